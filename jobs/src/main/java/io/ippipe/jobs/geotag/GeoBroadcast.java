package io.ippipe.jobs.geotag;

import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The geo index as the executors of one run receive it: the compiled index file's bytes,
 * broadcast once, read into a {@link GeoIndex} once per executor JVM.
 *
 * <p>Why not broadcast the GeoIndex itself: Spark then Java-serialises its arrays (about 100 MB
 * for DB-IP city) and compresses them on the driver before the first task can start, 2-3 s of
 * driver-only time in every run whatever its size (docs/performance.md). The file is 40 MB
 * and already compressed, so broadcasting it is a copy. In local mode the executor is the
 * driver's JVM, which already holds the index it read: nothing is read twice.
 */
public final class GeoBroadcast implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GeoBroadcast.class);

  /** The index this JVM holds for one shipment: the driver's own, or the one an executor read. */
  private record Loaded(String key, GeoIndex index) {}

  private static volatile Loaded loaded;

  /**
   * Tells one run's shipment from another's in a JVM that outlives a SparkContext (tests, a
   * long-lived driver): broadcast ids start again at 0 in each context.
   */
  private final String key;
  private final Broadcast<byte[]> file;

  private GeoBroadcast(String key, Broadcast<byte[]> file) {
    this.key = key;
    this.file = file;
  }

  /** Broadcasts the catalog's compiled bytes; this JVM keeps the index it already holds. */
  public static GeoBroadcast of(JavaSparkContext jsc, GeoCatalog catalog) {
    GeoBroadcast shipped = new GeoBroadcast(UUID.randomUUID().toString(),
        jsc.broadcast(catalog.compiled()));
    loaded = new Loaded(shipped.key, catalog.index());
    return shipped;
  }

  /** Identifies the shipment: equal keys hold the same index. */
  public String key() {
    return key;
  }

  /** The index, read from the broadcast bytes by the first task of a JVM that lacks it. */
  public GeoIndex index() {
    Loaded l = loaded;
    if (l != null && l.key().equals(key)) {
      return l.index();
    }
    synchronized (GeoBroadcast.class) {
      l = loaded;
      if (l == null || !l.key().equals(key)) {
        long start = System.nanoTime();
        byte[] bytes = file.value();
        l = new Loaded(key, GeoCatalog.read(bytes, "broadcast " + file.id()).index());
        loaded = l;
        // Once per executor JVM and run: the load time docs/performance.md quotes.
        LOG.info("geo index: {} bytes fetched and read in {} ms", bytes.length,
            (System.nanoTime() - start) / 1_000_000);
      }
      return l.index();
    }
  }

  /** Frees the broadcast blocks on the driver and the executors (the end of ingest). */
  public void destroy() {
    file.destroy();
  }
}
