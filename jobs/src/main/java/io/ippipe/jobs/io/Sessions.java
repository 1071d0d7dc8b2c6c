package io.ippipe.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession. Under spark-submit the master and resources come from the submit;
 * launched directly (scripts/ippipe), it runs embedded in {@code local[*]} mode.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession getOrCreate(String appName, String masterOverride) {
    SparkConf conf = sparkConf(masterOverride);
    conf.setAppName(conf.get("spark.app.name", appName));
    boolean shufflePartitionsSet = conf.contains("spark.sql.shuffle.partitions");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    if (!shufflePartitionsSet) {
      sizeShuffles(spark);
    }
    return spark;
  }

  /**
   * The Hadoop configuration the session will have, for the work done before it starts (plan and
   * prepare read markers, keys and stores, and must fail before Spark is up): the
   * {@code spark.hadoop.*} settings of the submit and of ippipe's defaults, as Spark applies them.
   * Made by the same call SparkContext makes ({@code SparkHadoopUtil}, Spark-internal but public
   * in the bytecode), so that it also carries what Spark derives (S3 credentials from the
   * environment, buffer sizes), not only the {@code spark.hadoop.*} copies.
   * The first file system made for a scheme is cached for the whole JVM, so this one also decides
   * the session's {@code file:} file system.
   */
  public static Configuration hadoopConf(String masterOverride) {
    return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(
        sparkConf(masterOverride));
  }

  private static SparkConf sparkConf(String masterOverride) {
    SparkConf conf = new SparkConf();
    if (masterOverride != null) {
      conf.setMaster(masterOverride);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
      // The embedded default serves no one a UI; spark-submit runs keep Spark's own setting.
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    applyIppipeDefaults(conf);
    return conf;
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
    // Input Parquet from other writers is read as written (the proleptic calendar every writer
    // but Spark 2 uses): under Spark's default a timestamp before 1900 in such a file failed
    // the read with SparkUpgradeException, a run failed by one value of one row.
    conf.setIfMissing("spark.sql.parquet.datetimeRebaseModeInRead", "CORRECTED");
    conf.setIfMissing("spark.sql.parquet.int96RebaseModeInRead", "CORRECTED");
    // Local runs create their files without starting a chmod process for each (NioLocalFileSystem).
    if (conf.get("spark.master", "").startsWith("local")) {
      conf.setIfMissing("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    }
  }
}
