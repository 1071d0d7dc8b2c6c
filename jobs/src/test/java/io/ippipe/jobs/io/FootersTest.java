package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ippipe.jobs.SharedSpark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The footers of more files than there are readers say what Spark counts by reading the rows:
 * rows per writing task, and the non-null values of a column.
 */
class FootersTest {
  @Test
  void footersOfManyFilesAgreeWithTheRows(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.get();
    int files = Footers.READERS + 9;
    Dataset<Row> rows = spark.range(0, 20_000, 1, files)
        .withColumn("proxy_ip", functions.when(functions.col("id").mod(7).equalTo(0),
            functions.lit(null)).otherwise(functions.col("id").cast("string")));
    String out = dir.resolve("t").toString();
    rows.write().parquet(out);

    Footers.Summary s = Footers.read(spark.sparkContext().hadoopConfiguration(), out, "proxy_ip");
    Map<Integer, Long> expected = new TreeMap<>();
    for (Row r : rows.groupBy(functions.spark_partition_id().as("p")).count().collectAsList()) {
      expected.put(r.getInt(0), r.getLong(1));
    }
    assertEquals(expected, s.rowsPerTask());
    assertEquals(20_000, s.rows());
    assertEquals(rows.where("proxy_ip IS NOT NULL").count(), s.nonNull().get("proxy_ip"));

    IOException missing = assertThrows(IOException.class, () -> Footers.read(
        spark.sparkContext().hadoopConfiguration(), out, "no_such_column"));
    assertEquals(true, missing.getMessage().startsWith("No column no_such_column"),
        missing.getMessage());
  }
}
