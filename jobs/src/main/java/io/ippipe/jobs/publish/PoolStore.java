package io.ippipe.jobs.publish;

import io.ippipe.common.publish.PoolEntry;
import java.util.Iterator;

/** Where gateways read the live pool from: Redis, or a JSON-lines snapshot without Redis. */
public interface PoolStore extends AutoCloseable {
  /** The live version, or null when nothing was ever published. */
  String currentVersion() throws Exception;

  /**
   * Makes {@code version} the live pool in one atomic step, unless it already is (then returns
   * false and writes nothing). Older versions beyond the retention are removed afterwards.
   */
  boolean publish(String version, String date, Iterator<PoolEntry> entries) throws Exception;

  /** Where the store is, for logs and metrics; never a password. */
  String describe();

  @Override
  void close();
}
