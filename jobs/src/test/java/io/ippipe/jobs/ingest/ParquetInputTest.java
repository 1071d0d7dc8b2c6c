package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ippipe.jobs.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetInputTest {
  @Test
  void eachTaskReadsASplitOfOneFileNotSeveralSmallFiles(@TempDir Path dir) throws Exception {
    // A value that fails to decode ends its task's input: had the task several small files,
    // the ones after it would go unread with it. Spark packs small files into a task once a
    // core's share of the input passes the cost it gives opening a file (4 MB): 20 files of
    // about half a megabyte on two cores went ten tasks of two.
    SparkSession spark = SharedSpark.get();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Path out = dir.resolve("f" + i);
      spark.sql("SELECT 1764064800 + id AS ts, concat('9.9.', cast(id % 250 AS STRING), '.1') "
          + "AS client_ip, uuid() AS target_host, sha2(cast(id + " + i + " AS STRING), 512) AS "
          + "method FROM range(3000)").coalesce(1).write().option("compression", "none")
          .parquet(out.toString());
      try (var listed = Files.list(out)) {
        files.add(listed.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow()
            .toString());
      }
    }
    long bytes = 0;
    for (String f : files) {
      bytes += Files.size(Path.of(f));
    }
    // The premise: packing would happen here.
    assertEquals(true, bytes > 2 * 4 * 1024 * 1024, "only " + bytes + " bytes");
    ParquetInput.Rows rows = ParquetInput.read(spark, Feed.REQUESTS, List.of(files),
        io.ippipe.jobs.io.InputFiles.parquetFooters(spark.sparkContext().hadoopConfiguration(),
            files, Feed.REQUESTS.fields()::contains),
        InputPlan.splitBytes(bytes, 2, 128L << 20));
    assertEquals(20, rows.rows().queryExecution().toRdd().getNumPartitions());
  }
}
