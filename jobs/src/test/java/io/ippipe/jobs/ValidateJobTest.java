package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.QualityGateException;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.jobs.validate.Schemas;
import io.ippipe.jobs.validate.ValidateJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateJobTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);
  private final SparkSession spark = SharedSpark.get();
  private final JavaDataFrameSuiteBase frames = new JavaDataFrameSuiteBase();

  private static final String INVENTORY = String.join("\n",
      "http://85.8.47.198:7080",
      "socks5://alice:s3cr3t@[2A00:1450:4001::5]:1080",
      "http://85.8.47.198:7080",
      "ftp://1.2.3.4:21",
      "http://10.0.0.5:3128",
      "http://010.1.1.1:80",
      "",
      "https://::ffff:93.184.216.34:443",
      "https://[::ffff:93.184.216.34]:443") + "\n";

  private static final String SQUID = String.join("\n",
      "1764028800.250    120 203.0.113.7 TCP_MISS/200 5120 CONNECT api.github.com:443 cust1 HIER_DIRECT/85.8.47.198 -",
      "1764028801.000     15 10.1.2.3 TCP_DENIED/407 300 GET http://user:pw@x.com/ - HIER_NONE/- text/html",
      "Unmatched! junk",
      "1764028802.5 9 localhost TCP_MISS/200 1 GET http://a/ - DIRECT/1.1.1.1 -");

  @Test
  void validatesAFixtureExactly(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "in/inventory/list.txt", INVENTORY);
    Path logs = write(dir, "in/requests/access.log", SQUID);
    String out = dir.resolve("lake").toString();
    ValidateJob.Result r = ValidateJob.run(spark, PipelineConfig.of(Map.of(),
        Map.of("validate.max_reject_rate", "0.9")), new ValidateJob.Options(DAY,
        List.of(inv.toString()), List.of(logs.toString()), out));

    String file = "file:" + inv.toAbsolutePath();
    Dataset<Row> expected = spark.createDataFrame(List.of(
        inventoryRow("85.8.47.198", 7080, "http", false, file, 1, 2),
        inventoryRow("93.184.216.34", 443, "https", false, file, 9, 1),
        inventoryRow("2a00:1450:4001::5", 1080, "socks5", true, file, 2, 1)),
        nullable(Schemas.INVENTORY_OUT));
    Dataset<Row> actual = spark.read().parquet(out + "/validated/inventory/dt=2026-11-25")
        .orderBy("ip_bytes");
    frames.assertDataFrameEquals(expected, actual, d -> scala.runtime.BoxedUnit.UNIT);

    Dataset<Row> rejects = spark.read().parquet(out + "/rejects/dt=2026-11-25/dataset=inventory")
        .orderBy("source_line");
    List<Row> rows = rejects.select("source_line", "reason", "raw").collectAsList();
    assertEquals(List.of(
        RowFactory.create(4L, "UNSUPPORTED_SCHEME", "ftp://<ip>:21"),
        RowFactory.create(5L, "SPECIAL_PURPOSE_ADDRESS", "http://<ip>:3128"),
        RowFactory.create(6L, "INVALID_IPV4", "http://<ip>:80"),
        RowFactory.create(7L, "BLANK_LINE", null),
        RowFactory.create(8L, "INVALID_IPV6", "https://<ip>:443")), rows);
    assertEquals("Private-Use (10.0.0.0/8)",
        rejects.filter("source_line = 5").select("detail").first().getString(0));

    ValidateJob.DatasetMetrics inventory = r.datasets().get("inventory");
    assertEquals(9, inventory.recordsRead());
    assertEquals(4, inventory.valid());
    assertEquals(1, inventory.duplicates());
    assertEquals(5, inventory.rejected());
    assertEquals(1, inventory.structuralRejects());

    Dataset<Row> requests = spark.read().parquet(out + "/validated/requests/dt=2026-11-25").orderBy("ts");
    List<Row> req = requests.select("client_ip", "client_class", "proxy_ip", "proxy_known",
        "http_status", "target_host", "source_line").collectAsList();
    assertEquals(List.of(
        RowFactory.create("203.0.113.7", "documentation", "85.8.47.198", true, 200, "api.github.com", 1L),
        RowFactory.create("10.1.2.3", "private", null, false, 407, "x.com", 2L)), req);
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-11-25T00:00:00.250Z")),
        requests.select("ts").first().getTimestamp(0));
    ValidateJob.DatasetMetrics reqMetrics = r.datasets().get("requests");
    assertEquals(4, reqMetrics.recordsRead());
    assertEquals(2, reqMetrics.rejected());

    String metrics = Files.readString(Path.of(out, "_metrics/dt=2026-11-25/validate.json"));
    assertTrue(metrics.contains("\"INVALID_CLIENT_IP\" : 1"), metrics);
    assertNoSecrets(Path.of(out), "s3cr3t", "alice", "user:pw");
  }

  @Test
  void lineNumbersSurviveSplittingAFileAcrossTasks(@TempDir Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      // Every 97th line is bad; its line number must come out exact even from later splits.
      sb.append(i % 97 == 0 ? "bad line " + i : "http://85.8." + (i / 250) + "." + (i % 250) + ":8080").append('\n');
    }
    Path inv = write(dir, "inv.txt", sb.toString());
    long before = spark.sparkContext().hadoopConfiguration().getLong("mapreduce.input.fileinputformat.split.maxsize", Long.MAX_VALUE);
    spark.sparkContext().hadoopConfiguration().setLong("mapreduce.input.fileinputformat.split.maxsize", 4096);
    try {
      ValidateJob.run(spark, PipelineConfig.defaults(), new ValidateJob.Options(DAY,
          List.of(inv.toString()), List.of(), dir.resolve("lake").toString()));
    } finally {
      spark.sparkContext().hadoopConfiguration().setLong("mapreduce.input.fileinputformat.split.maxsize", before);
    }
    List<Row> rejects = spark.read().parquet(dir.resolve("lake/rejects/dt=2026-11-25/dataset=inventory").toString())
        .orderBy("source_line").select("source_line", "raw").collectAsList();
    assertEquals(3000 / 97, rejects.size());
    for (Row r : rejects) {
      assertEquals("bad line " + r.getLong(0), r.getString(1));
    }
    Dataset<Row> valid = spark.read().parquet(dir.resolve("lake/validated/inventory/dt=2026-11-25").toString());
    assertEquals(3000 - 3000 / 97, valid.count());
    Row sample = valid.filter("source_line = 2999").first();
    assertEquals("85.8.11.249", sample.getAs("ip"));
  }

  @Test
  void rerunReplacesTheDateOnlyAndIsIdempotent(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", INVENTORY);
    String out = dir.resolve("lake").toString();
    PipelineConfig config = PipelineConfig.of(Map.of(), Map.of("validate.max_reject_rate", "1"));
    ValidateJob.run(spark, config, new ValidateJob.Options(DAY.minusDays(1), List.of(inv.toString()), List.of(), out));
    ValidateJob.run(spark, config, new ValidateJob.Options(DAY, List.of(inv.toString()), List.of(), out));
    Dataset<Row> first = spark.read().parquet(out + "/validated/inventory").orderBy("dt", "ip_bytes").localCheckpoint();
    ValidateJob.run(spark, config, new ValidateJob.Options(DAY, List.of(inv.toString()), List.of(), out));
    Dataset<Row> second = spark.read().parquet(out + "/validated/inventory").orderBy("dt", "ip_bytes");
    frames.assertDataFrameEquals(first, second, d -> scala.runtime.BoxedUnit.UNIT);
    assertEquals(6, second.count());
    assertEquals(2, second.select("dt").distinct().count());
    // Small input, one file per partition.
    try (var files = Files.list(Path.of(out, "validated/inventory/dt=2026-11-25"))) {
      assertEquals(1, files.filter(p -> p.toString().endsWith(".parquet")).count());
    }
  }

  @Test
  void qualityGateFailsAfterWritingOutputs(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", "http://1.2.3.4:80\nnot a proxy\nftp://x\n");
    String out = dir.resolve("lake").toString();
    QualityGateException e = assertThrows(QualityGateException.class, () -> ValidateJob.run(spark,
        PipelineConfig.defaults(), new ValidateJob.Options(DAY, List.of(inv.toString()), List.of(), out)));
    assertTrue(e.getMessage().startsWith("Data-quality gate breached"), e.getMessage());
    assertTrue(Files.exists(Path.of(out, "_metrics/dt=2026-11-25/validate.json")));
    assertEquals(1, spark.read().parquet(out + "/validated/inventory/dt=2026-11-25").count());
  }

  /** Parquet files read back with every column nullable. */
  static org.apache.spark.sql.types.StructType nullable(org.apache.spark.sql.types.StructType s) {
    return new org.apache.spark.sql.types.StructType(java.util.Arrays.stream(s.fields())
        .map(f -> f.copy(f.name(), f.dataType(), true, f.metadata()))
        .toArray(org.apache.spark.sql.types.StructField[]::new));
  }

  static Row inventoryRow(String ip, int port, String protocol, boolean credentials, String file,
      long line, int listed) {
    IpAddress a = IpAddress.parse(ip);
    return RowFactory.create(a.toString(), a.version(), a.toBytes(), port, protocol, null, null,
        null, credentials, null, file, line, listed);
  }

  static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** Scans every byte of every output file for each secret. */
  static void assertNoSecrets(Path root, String... secrets) throws Exception {
    try (var files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String s : secrets) {
          assertFalse(content.contains(s), s + " found in " + f);
        }
      }
    }
  }

  @Test
  void corruptMissingAndEmptyInputs(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    // A truncated Parquet file (real data, cut) and one that is no Parquet at all: exit 2 with
    // the file named, no stack trace, nothing written.
    Path good = dir.resolve("good");
    SharedSpark.get().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("1.2.3.4", "8080")),
        new org.apache.spark.sql.types.StructType().add("ip", "string").add("port", "string"))
        .coalesce(1).write().parquet(good.toString());
    Path part;
    try (var files = Files.list(good)) {
      part = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Path truncated = write(dir, "in/truncated.parquet", "");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    Path fake = write(dir, "in/fake.parquet", "not parquet at all, just text\n");
    for (Path bad : List.of(truncated, fake)) {
      CliTest.Run r = CliTest.run("validate", "--date", "2026-11-25", "--out", lake.toString(),
          "--inventory", bad.toString());
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("Cannot read Parquet input") && r.err().contains(bad.getFileName().toString()),
          r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertFalse(Files.exists(lake), "nothing written");
    }
    CliTest.Run missing = CliTest.run("validate", "--date", "2026-11-25", "--out", lake.toString(),
        "--inventory", dir.resolve("no/such/dir").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file or directory"), missing.err());
    assertFalse(Files.exists(lake));

    // An empty file is an empty day of that source: zero records, accounted for, exit 0.
    Path empty = write(dir, "in/empty.txt", "");
    Path emptyLog = write(dir, "in/empty.log", "");
    Path inv = write(dir, "in/inv.txt", "1.2.3.4:8080\n");
    CliTest.Run ok = CliTest.run("validate", "--date", "2026-11-25", "--out", lake.toString(),
        "--inventory", empty.toString(), "--inventory", inv.toString(), "--requests", emptyLog.toString());
    assertEquals(0, ok.code(), ok.err());
    String metrics = Files.readString(lake.resolve("_metrics/dt=2026-11-25/validate.json"));
    assertTrue(metrics.contains("empty.txt") && metrics.contains("empty.log"), metrics);
    assertEquals(1, SharedSpark.get().read().parquet(lake + "/validated/inventory/dt=2026-11-25").count());
    assertEquals(0, SharedSpark.get().read().parquet(lake + "/validated/requests/dt=2026-11-25").count());
  }

  @Test
  void compareFindsIdenticalLakesAndRowLevelDifferences(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", INVENTORY);
    for (String lake : List.of("a", "b", "c")) {
      assertEquals(0, CliTest.run("validate", "--date", "2026-11-25", "--out",
          dir.resolve(lake).toString(), "--inventory", inv.toString(),
          "--conf", "validate.max_reject_rate=1.0").code());
    }
    CliTest.Run same = CliTest.run("compare", "--date", "2026-11-25", dir.resolve("a").toString(),
        dir.resolve("b").toString());
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("identical") && same.out().contains("validated/inventory/dt=2026-11-25"),
        same.out());
    // One row changed in c: same count, different content.
    String table = dir.resolve("c") + "/validated/inventory/dt=2026-11-25";
    Dataset<Row> rows = SharedSpark.get().read().parquet(table);
    Dataset<Row> changed = rows.withColumn("port", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col("port").equalTo(rows.first().getAs("port")), 1)
        .otherwise(org.apache.spark.sql.functions.col("port")));
    changed.localCheckpoint().write().mode("overwrite").parquet(table);
    CliTest.Run diff = CliTest.run("compare", "--date", "2026-11-25", dir.resolve("a").toString(),
        dir.resolve("c").toString());
    assertEquals(1, diff.code(), diff.out());
    assertTrue(diff.out().contains("DIFFERENT") && diff.out().contains("only in A"), diff.out());
  }
}
