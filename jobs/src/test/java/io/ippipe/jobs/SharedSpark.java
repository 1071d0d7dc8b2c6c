package io.ippipe.jobs;

import io.ippipe.jobs.io.Sessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession per test JVM, UI off, bound to loopback. */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("ippipe-tests")
          .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1").set("spark.sql.shuffle.partitions", "4");
      Sessions.applyIppipeDefaults(conf);
      session = SparkSession.builder().config(conf).getOrCreate();
    }
    return session;
  }
}
