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
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** Settings every ippipe job relies on; tests apply the same to their shared session. */
  public static void applyIppipeDefaults(SparkConf conf) {
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
  }
}
