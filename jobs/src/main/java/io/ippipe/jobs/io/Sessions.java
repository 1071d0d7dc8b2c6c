package io.ippipe.jobs.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession. Under spark-submit the master and resources come from the submit;
 * launched directly (scripts/ippipe), it runs embedded in {@code local[*]} mode.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession getOrCreate(String appName, String masterOverride) {
    SparkConf conf = new SparkConf();
    if (masterOverride != null) {
      conf.setMaster(masterOverride);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
      // The embedded default serves no one a UI; spark-submit runs keep Spark's own setting.
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    conf.setAppName(conf.get("spark.app.name", appName));
    applyIppipeDefaults(conf);
    boolean shufflePartitionsSet = conf.contains("spark.sql.shuffle.partitions");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    if (!shufflePartitionsSet) {
      sizeShuffles(spark);
    }
    return spark;
  }

  /**
   * Shuffles cut into a few partitions per core of the cluster, instead of Spark's fixed 200.
   * Every table ippipe shuffles is small (per proxy, per pool member): with 200 partitions a
   * stage of 50 000 rows ran 200 tasks of a few milliseconds each, and a persisted Dataset keeps
   * its 200 partitions for every action on it, which adaptive execution cannot coalesce.
   */
  public static void sizeShuffles(SparkSession spark) {
    spark.conf().set("spark.sql.shuffle.partitions",
        String.valueOf(Math.max(4, 2 * spark.sparkContext().defaultParallelism())));
  }

  /** Settings every ippipe job relies on; tests apply the same to their shared session. */
  public static void applyIppipeDefaults(SparkConf conf) {
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
    // Adaptive execution may also coalesce the shuffles behind a persisted Dataset.
    conf.setIfMissing("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    // Ingest runs its two feeds side by side: fair sharing lets the small inventory jobs take
    // a core between the tasks of the long requests pass instead of queueing behind all of them.
    conf.setIfMissing("spark.scheduler.mode", "FAIR");
    // Standard Parquet timestamps: cheaper to write than the legacy INT96, read by every engine.
    conf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
  }
}
