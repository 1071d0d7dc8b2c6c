package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ippipe.jobs.io.OutputWriter;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path's fault injection is armed only from code in the driver's JVM (the test jar's
 * FaultyCli): the Spark property that used to arm it, which spark-defaults.conf or spark-submit
 * --conf could set in production, does nothing.
 */
class TestSwitchTest {
  @Test
  void theOldSparkPropertyNoLongerFailsWrites(@TempDir Path dir) {
    SparkSession spark = SharedSpark.get();
    spark.conf().set("spark.ippipe.test.failFirstAttempts", "true");
    try {
      // Local mode does not retry tasks: an injected failure would fail the write.
      OutputWriter.writeAsIs(spark.range(0, 100, 1, 2).toDF(), dir.resolve("out").toString(),
          java.util.Map.of());
      assertEquals(100, spark.read().parquet(dir.resolve("out").toString()).count());
    } finally {
      spark.conf().unset("spark.ippipe.test.failFirstAttempts");
    }
  }
}
