package io.ippipe.jobs.io;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.jobs.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a sized partition is cut into files, and what the cut costs. */
class OutputWriterTest {
  @Test
  void aKeptSetIsMergedIntoItsFilesWithoutAShuffle(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.get();
    // As score and publish keep theirs: an aggregate, computed (under adaptive execution) first.
    Dataset<Row> kept = spark.range(0, 10_000, 1, 4)
        .groupBy(col("id").mod(997).as("k"))
        .agg(functions.count(functions.lit(1)).as("n"))
        .persist(StorageLevel.MEMORY_ONLY());
    try {
      assertEquals(997, kept.count());
      String out = dir.resolve("t").toString();
      long shuffled = shuffledRecords(spark, () -> OutputWriter.writePartition(kept, true,
          997, 100_000, out, Map.of(), "k"));

      assertEquals(0, shuffled, "records moved through a shuffle to write a kept set");
      assertEquals(1, parts(dir.resolve("t")));
      List<Row> rows = spark.read().parquet(out).collectAsList();
      assertEquals(997, rows.size());
      long total = 0;
      for (int i = 0; i < rows.size(); i++) {
        assertTrue(i == 0 || rows.get(i - 1).getLong(0) < rows.get(i).getLong(0),
            "sorted by k: " + rows.subList(Math.max(0, i - 1), i + 1));
        total += rows.get(i).getLong(1);
      }
      assertEquals(10_000, total);
    } finally {
      kept.unpersist();
    }
  }

  @Test
  void rowsGetTheFilesTheirCountNeedsWhateverTheirPartitions(@TempDir Path dir)
      throws IOException {
    SparkSession spark = SharedSpark.get();
    // Computed by the write itself, from one partition: spread over three files.
    OutputWriter.writePartition(spark.range(0, 3_000, 1, 1).toDF(), false, 3_000, 1_000,
        dir.resolve("computed").toString(), Map.of());
    assertEquals(3, parts(dir.resolve("computed")));

    // Kept, but in fewer partitions than files: merging cannot make files, a shuffle does.
    Dataset<Row> kept = spark.range(0, 3_000, 1, 2).toDF().persist(StorageLevel.MEMORY_ONLY());
    try {
      kept.count();
      OutputWriter.writePartition(kept, true, 3_000, 1_000, dir.resolve("kept").toString(),
          Map.of());
      assertEquals(3, parts(dir.resolve("kept")));
      assertEquals(3_000, spark.read().parquet(dir.resolve("kept").toString()).count());
    } finally {
      kept.unpersist();
    }
  }

  private static long parts(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).count();
    }
  }

  /** Records written to shuffle files by the jobs {@code action} runs. */
  private static long shuffledRecords(SparkSession spark, Runnable action) throws Exception {
    AtomicLong records = new AtomicLong();
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted done) {
        records.addAndGet(done.stageInfo().taskMetrics().shuffleWriteMetrics().recordsWritten());
      }
    };
    SparkContext sc = spark.sparkContext();
    // Events of jobs already run (the set's own computation) must not reach the new listener.
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(listener);
    try {
      action.run();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(listener);
    }
    return records.get();
  }
}
