package io.ippipe.jobs.geotag;

import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The geo index of one run as its tasks find it: in local mode the index the driver already
 * read (the executor is the driver's JVM); on a cluster the compiled index file's bytes,
 * broadcast once and read once per executor JVM.
 *
 * <p>Why not broadcast the GeoIndex itself: Spark then Java-serialises its arrays (about 100 MB
 * for DB-IP city) and compresses them on the driver before the first task can start, 2-3 s of
 * driver-only time in every run whatever its size (docs/performance.md). The file is 40 MB and
 * already compressed.
 */
public final class GeoBroadcast implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GeoBroadcast.class);

  /** What the driver ships, from {@link #of} to {@link #destroy}: runs side by side keep theirs. */
  private static final Map<String, GeoIndex> DRIVER = new ConcurrentHashMap<>();

  /** The shipment an executor read last: it serves one run at a time, so it keeps one index. */
  private record Read(String key, GeoIndex index) {}

  private static volatile Read lastRead;

  /**
   * Tells one run's shipment from another's in a JVM that outlives a SparkContext (tests, a
   * long-lived driver): broadcast ids start again at 0 in each context.
   */
  private final String key;
  /** The compiled bytes; null in local mode, where every task runs beside {@link #DRIVER}. */
  private final Broadcast<byte[]> file;

  private GeoBroadcast(String key, Broadcast<byte[]> file) {
    this.key = key;
    this.file = file;
  }

  /** Ships the catalog's index to the tasks of this context: local mode sends no bytes. */
  public static GeoBroadcast of(JavaSparkContext jsc, GeoCatalog catalog) {
    return ship(jsc, catalog, !jsc.sc().isLocal());
  }

  /**
   * With {@code bytes}, the tasks read the index from the broadcast file as a cluster's executors
   * do, and the driver keeps no copy for them; without, they use the driver's.
   */
  static GeoBroadcast ship(JavaSparkContext jsc, GeoCatalog catalog, boolean bytes) {
    String key = UUID.randomUUID().toString();
    if (bytes) {
      return new GeoBroadcast(key, jsc.broadcast(catalog.compiled()));
    }
    DRIVER.put(key, catalog.index());
    return new GeoBroadcast(key, null);
  }

  /** Identifies the shipment: equal keys hold the same index. */
  public String key() {
    return key;
  }

  /** The index: the driver's, or read from the broadcast bytes by the first task of a JVM. */
  public GeoIndex index() {
    GeoIndex shipped = DRIVER.get(key);
    if (shipped != null) {
      return shipped;
    }
    Read r = lastRead;
    if (r != null && r.key().equals(key)) {
      return r.index();
    }
    if (file == null) {
      throw new IllegalStateException("The geo index of shipment " + key + " was released "
          + "before its tasks ended");
    }
    synchronized (GeoBroadcast.class) {
      r = lastRead;
      if (r == null || !r.key().equals(key)) {
        long start = System.nanoTime();
        byte[] bytes = file.value();
        r = new Read(key, GeoCatalog.read(bytes, "broadcast " + file.id()).index());
        lastRead = r;
        // Once per executor JVM and run: docs/geo.md, "The compiled index".
        LOG.info("geo index: {} bytes fetched and read in {} ms", bytes.length,
            (System.nanoTime() - start) / 1_000_000);
      }
      return r.index();
    }
  }

  /** Releases the index: the driver's copy, and the broadcast blocks everywhere (end of ingest). */
  public void destroy() {
    DRIVER.remove(key);
    if (file != null) {
      file.destroy();
    }
  }

  @Override
  public String toString() {
    return "GeoBroadcast(" + key + (file == null ? ", driver's" : ", broadcast " + file.id()) + ")";
  }
}
