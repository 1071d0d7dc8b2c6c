package io.ippipe.jobs;

import static io.ippipe.jobs.TestLakes.DATE;
import static io.ippipe.jobs.TestLakes.ingest;
import static io.ippipe.jobs.TestLakes.table;
import static io.ippipe.jobs.TestLakes.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.jobs.lake.Tables;
import io.ippipe.jobs.run.Faults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingest through the CLI on small fixtures: exact rows, exact rejects and line numbers (also
 * across split boundaries and line ends), the accounting and each way its proof can fail, the
 * rerun of a date, and inputs that are corrupt, missing or empty.
 */
class IngestJobTest {
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
      "Unmatched! junk from 198.51.100.23",
      "1764028802.5 9 localhost TCP_MISS/200 1 GET http://a/ - DIRECT/1.1.1.1 -");

  @AfterEach
  void noFaults() {
    Faults.clear();
  }

  /**
   * An endpoint listed by several feeds keeps every file that listed it (listed_in, sorted),
   * not only the first listing's: probe's credential ownership is resolved over all of them,
   * so a feed whose path sorts first cannot take another supplier's endpoint from it.
   */
  @Test
  void anEndpointListedByTwoFeedsKeepsBothFiles(@TempDir Path dir) throws Exception {
    Path a = write(dir, "in/a-first/list.txt", "http://85.8.47.198:7080\n");
    Path b = write(dir, "in/b-owner/list.txt", "http://85.8.47.198:7080\nhttp://93.184.216.34:443\n");
    Path logs = write(dir, "in/requests/access.log", SQUID);
    Path lake = dir.resolve("lake");
    CliTest.Run r = ingest(dir, lake, List.of(a, b), List.of(logs), "validate.max_reject_rate=0.9");
    assertEquals(0, r.code(), r.err());
    String fa = "file:" + a.toAbsolutePath();
    String fb = "file:" + b.toAbsolutePath();
    assertEquals(List.of(
        RowFactory.create("85.8.47.198", fa, 2, List.of(fa, fb)),
        RowFactory.create("93.184.216.34", fb, 1, List.of(fb))),
        table(lake, Tables.INVENTORY).orderBy("ip").select("ip", "source_file", "listed_count",
            "listed_in").collectAsList().stream().map(row -> RowFactory.create(row.get(0),
                row.get(1), row.get(2), row.getList(3))).toList());
  }

  @Test
  void ingestsAFixtureExactly(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "in/inventory/list.txt", INVENTORY);
    Path logs = write(dir, "in/requests/access.log", SQUID);
    Path lake = dir.resolve("lake");
    CliTest.Run r = ingest(dir, lake, List.of(inv), List.of(logs), "validate.max_reject_rate=0.9");
    assertEquals(0, r.code(), r.err());

    String file = "file:" + inv.toAbsolutePath();
    List<Row> inventory = table(lake, Tables.INVENTORY).orderBy("ip_bytes")
        .select("ip", "ip_version", "port", "protocol", "has_credentials", "source_file",
            "source_line", "listed_count", "geo_status").collectAsList();
    assertEquals(List.of(
        RowFactory.create("85.8.47.198", 4, 7080, "http", false, file, 1L, 2, null),
        RowFactory.create("93.184.216.34", 4, 443, "https", false, file, 9L, 1, null),
        RowFactory.create("2a00:1450:4001::5", 6, 1080, "socks5", true, file, 2L, 1, null)),
        inventory);

    Dataset<Row> rejects = table(lake, Tables.REJECTS, "inventory").orderBy("source_line");
    assertEquals(List.of(
        RowFactory.create(4L, "UNSUPPORTED_SCHEME", "ftp://<ip>:21"),
        RowFactory.create(5L, "SPECIAL_PURPOSE_ADDRESS", "http://<ip>:3128"),
        RowFactory.create(6L, "INVALID_IPV4", "http://<ip>:80"),
        RowFactory.create(7L, "BLANK_LINE", null),
        RowFactory.create(8L, "INVALID_IPV6", "https://<ip>:443")),
        rejects.select("source_line", "reason", "raw").collectAsList());
    assertEquals("Private-Use (10.0.0.0/8)",
        rejects.filter("source_line = 5").select("detail").first().getString(0));

    Dataset<Row> requests = table(lake, Tables.REQUESTS).orderBy("ts");
    List<Row> req = requests.select("client_class", "proxy_ip", "http_status", "outcome",
        "target_host", "key_id").collectAsList();
    assertEquals(List.of(
        RowFactory.create("documentation", "85.8.47.198", 200, "success", "api.github.com", "t"),
        RowFactory.create("private", null, 407, "ban", "x.com", "t")), req);
    // The customer's address is pseudonymised (ipcrypt-pfx keeps the family), never plaintext.
    List<Row> clients = requests.select("client_ip", "client_ip_version").collectAsList();
    assertNotEquals("203.0.113.7", clients.get(0).getString(0));
    assertEquals(4, IpAddress.parse(clients.get(0).getString(0)).version());
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-11-25T00:00:00.250Z")),
        requests.select("ts").first().getTimestamp(0));
    assertEquals(List.of(RowFactory.create(3L, "MALFORMED_RECORD",
            "Unmatched! junk from <ip>"), RowFactory.create(4L, "INVALID_CLIENT_IP",
            "1764028802.5 9 localhost TCP_MISS/200 1 GET http://a/ - DIRECT/<ip> -")),
        table(lake, Tables.REJECTS, "requests").orderBy("source_line")
            .select("source_line", "reason", "raw").collectAsList());

    JsonNode metrics = new ObjectMapper().readTree(lake.resolve("_metrics/dt=" + DATE
        + "/ingest.json").toFile());
    JsonNode inventoryMetrics = metrics.path("datasets").path("inventory");
    assertEquals(9, inventoryMetrics.path("recordsRead").asLong());
    assertEquals(4, inventoryMetrics.path("valid").asLong());
    assertEquals(1, inventoryMetrics.path("duplicates").asLong());
    assertEquals(3, inventoryMetrics.path("rowsWritten").asLong());
    assertEquals(5, inventoryMetrics.path("rejected").asLong());
    assertEquals(1, inventoryMetrics.path("structuralRejects").asLong());
    JsonNode requestMetrics = metrics.path("datasets").path("requests");
    assertEquals(4, requestMetrics.path("recordsRead").asLong());
    assertEquals(2, requestMetrics.path("rowsWritten").asLong());
    assertEquals(1, requestMetrics.path("files").get(0).path("rejectedByReason")
        .path("INVALID_CLIENT_IP").asLong());
    TestLakes.assertNowhere(lake, "s3cr3t", "alice", "user:pw", "198.51.100.23");
    assertFalse(Files.exists(lake.resolve("_staging/dt=" + DATE + "/ingest")), "staging cleaned up");
    assertFalse(Files.exists(lake.resolve("_staging/dt=" + DATE + "/ingest.scratch")),
        "the side files of the pass are gone");
  }

  /**
   * The address columns of requests are written without a Parquet dictionary (their cost is in
   * docs/performance.md); the others keep theirs.
   */
  @Test
  void requestAddressesAreWrittenWithoutADictionary(@TempDir Path dir) throws Exception {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      log.append("1764028800.250 12 203.0.113.").append(i % 50).append(" TCP_MISS/200 51 GET ")
          .append("http://a/ - HIER_DIRECT/85.8.0.").append(i % 20).append(" -\n");
    }
    Path lake = dir.resolve("lake");
    CliTest.Run r = ingest(dir, lake, List.of(), List.of(write(dir, "access.log", log.toString())));
    assertEquals(0, r.code(), r.err());
    Map<String, Boolean> dictionary = new TreeMap<>();
    try (var files = Files.list(lake.resolve("requests/dt=" + DATE))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
          for (var block : reader.getFooter().getBlocks()) {
            for (var chunk : block.getColumns()) {
              dictionary.merge(chunk.getPath().toDotString(), chunk.hasDictionaryPage(),
                  Boolean::logicalOr);
            }
          }
        }
      }
    }
    for (String c : List.of("client_ip", "client_ip_bytes", "proxy_ip", "proxy_ip_bytes")) {
      assertEquals(false, dictionary.get(c), c);
    }
    for (String c : List.of("method", "outcome", "target_host")) {
      assertEquals(true, dictionary.get(c), c);
    }
  }

  /**
   * The feeds' jobs run in scheduler pools of their own, so that fair scheduling gives the
   * inventory's small jobs a core between the requests pass's tasks (one shared pool is FIFO:
   * they would queue behind every pending task of the pass), and the caller's thread is left as
   * it was for the stages after ingest.
   */
  @Test
  void eachFeedRunsInASchedulerPoolOfItsOwn(@TempDir Path dir) throws Exception {
    Map<String, java.util.Set<String>> poolsByGroup = new java.util.concurrent.ConcurrentHashMap<>();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        java.util.Properties p = start.properties();
        poolsByGroup.computeIfAbsent(String.valueOf(p.getProperty("spark.jobGroup.id")),
            g -> java.util.concurrent.ConcurrentHashMap.newKeySet())
            .add(String.valueOf(p.getProperty("spark.scheduler.pool")));
      }
    };
    org.apache.spark.SparkContext sc = SharedSpark.get().sparkContext();
    sc.addSparkListener(listener);
    CliTest.Run r;
    String callersPool;
    sc.setLocalProperty("spark.scheduler.pool", "the-callers");
    try {
      r = ingest(dir, dir.resolve("lake"), List.of(write(dir, "inv.txt", INVENTORY)),
          List.of(write(dir, "access.log", SQUID)), "validate.max_reject_rate=0.9");
      sc.listenerBus().waitUntilEmpty();
    } finally {
      callersPool = sc.getLocalProperty("spark.scheduler.pool");
      sc.setLocalProperty("spark.scheduler.pool", null);
      sc.removeSparkListener(listener);
    }
    assertEquals(0, r.code(), r.err());
    assertEquals(java.util.Set.of("ingest-inventory"), poolsByGroup.get("ingest-inventory"));
    assertEquals(java.util.Set.of("ingest-requests"), poolsByGroup.get("ingest-requests"));
    assertEquals("the-callers", callersPool, "the caller's pool restored");
  }

  /** Every 97th line bad, in many small splits: each line number must come out exact. */
  @Test
  void lineNumbersSurviveSplittingAFileAcrossTasks(@TempDir Path dir) throws Exception {
    StringBuilder inv = new StringBuilder();
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      inv.append(i % 97 == 0 ? "bad line " + i : "http://85.8." + (i / 250) + "." + (i % 250) + ":8080")
          .append('\n');
      log.append(i % 97 == 0 ? "bad line " + i : "1764028800.250 12 203.0.113.7 TCP_MISS/200 51 "
          + "GET http://a/ - HIER_DIRECT/85.8.0." + (i % 250) + " -").append('\n');
    }
    Path lake = dir.resolve("lake");
    CliTest.Run r = ingest(dir, lake, List.of(write(dir, "inv.txt", inv.toString())),
        List.of(write(dir, "access.log", log.toString())), "ingest.max_split_bytes=4096");
    assertEquals(0, r.code(), r.err());
    for (String feed : List.of("inventory", "requests")) {
      List<Row> rejects = table(lake, Tables.REJECTS, feed).orderBy("source_line")
          .select("source_line", "raw").collectAsList();
      assertEquals(3000 / 97, rejects.size(), feed);
      for (Row row : rejects) {
        assertEquals("bad line " + row.getLong(0), row.getString(1), feed);
      }
    }
    Dataset<Row> valid = table(lake, Tables.INVENTORY);
    assertEquals(3000 - 3000 / 97, valid.count());
    assertEquals("85.8.11.249", valid.filter("source_line = 2999").first().getAs("ip"));
    assertEquals(3000 - 3000 / 97, table(lake, Tables.REQUESTS).count());
    // 400 KB of logs in 4 KB splits: the pass ran as many tasks, one file each at most.
    try (var files = Files.list(lake.resolve("requests/dt=" + DATE))) {
      assertTrue(files.filter(p -> p.toString().endsWith(".parquet")).count() > 50);
    }
  }

  /**
   * LF, CRLF and lone CR line ends, with a line end falling on every byte position around the
   * split boundaries: each line is read exactly once, with its exact number.
   */
  @Test
  void crAndCrlfLineEndsAtForcedSplitBoundaries(@TempDir Path dir) throws Exception {
    String[] ends = {"\n", "\r\n", "\r"};
    List<Path> files = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    for (int variant = 0; variant < 3; variant++) {
      StringBuilder sb = new StringBuilder();
      int n = 0;
      // Lines of varying length, so that line ends land on every offset of a 1 KB split.
      for (int i = 0; sb.length() < 6000; i++) {
        n++;
        String line = n % 7 == 0 ? "bad " + n + "x".repeat(i % 13)
            : "http://85.8." + (n / 250) + "." + (n % 250) + ":" + (1000 + i % 13);
        sb.append(line).append(ends[(i + variant) % 3]);
      }
      files.add(write(dir, "in/v" + variant + ".txt", sb.toString()));
      lines.add(n);
    }
    Path lake = dir.resolve("lake");
    CliTest.Run r = ingest(dir, lake, files, List.of(), "ingest.max_split_bytes=1024",
        "validate.max_reject_rate=0.5");
    assertEquals(0, r.code(), r.err());
    JsonNode metrics = new ObjectMapper().readTree(lake.resolve("_metrics/dt=" + DATE
        + "/ingest.json").toFile());
    for (JsonNode f : metrics.path("datasets").path("inventory").path("files")) {
      int variant = Integer.parseInt(f.path("file").asText().replaceAll(".*/v(\\d)\\.txt$", "$1"));
      assertEquals(lines.get(variant).longValue(), f.path("linesRead").asLong(), f.toString());
      assertEquals(lines.get(variant).longValue(), f.path("recordsRead").asLong(), f.toString());
      assertEquals(lines.get(variant) / 7, f.path("rejected").asLong(), f.toString());
    }
    for (Row row : table(lake, Tables.REJECTS, "inventory").select("source_line", "raw")
        .collectAsList()) {
      assertTrue(row.getString(1).startsWith("bad " + row.getLong(0) + "x")
          || row.getString(1).equals("bad " + row.getLong(0)), row.toString());
    }
    assertEquals(lines.stream().mapToLong(n -> n / 7).sum(),
        table(lake, Tables.REJECTS, "inventory").count());
  }

  @Test
  void rerunReplacesTheDateOnlyAndIsIdempotent(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", INVENTORY);
    Path lake = dir.resolve("lake");
    String[] conf = {"validate.max_reject_rate=1"};
    CliTest.Run before = CliTest.run("ingest", "--date", "2026-11-24", "--out", lake.toString(),
        "--inventory", inv.toString(), "--conf", "geo.sources=", "--conf", conf[0]);
    assertEquals(0, before.code(), before.err());
    assertEquals(0, ingest(dir, lake, List.of(inv), List.of(), conf).code());
    Dataset<Row> first = SharedSpark.get().read().parquet(lake + "/inventory")
        .orderBy("dt", "ip_bytes").localCheckpoint();
    assertEquals(0, ingest(dir, lake, List.of(inv), List.of(), conf).code());
    Dataset<Row> second = SharedSpark.get().read().parquet(lake + "/inventory").orderBy("dt", "ip_bytes");
    assertEquals(first.count(), second.count());
    assertEquals(0, first.exceptAll(second).count() + second.exceptAll(first).count());
    assertEquals(6, second.count());
    assertEquals(2, second.select("dt").distinct().count());
    try (var files = Files.list(lake.resolve("inventory/dt=" + DATE))) {
      assertEquals(1, files.filter(p -> p.toString().endsWith(".parquet")).count(),
          "small input, one file");
    }
  }

  /** Each proof of the accounting, reached by a fault placed where it must catch it. */
  @Test
  void everyReconciliationCatchesWhatWentMissing(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", INVENTORY);
    Path logs = write(dir, "access.log", SQUID + "\n" + SQUID + "\n");
    record Case(String point, String expected) {}
    List<Case> cases = List.of(
        new Case("ingest.requests.before-reconcile", "Cannot reconcile ingest of requests: task"),
        new Case("ingest.inventory.before-reconcile", "Cannot reconcile ingest of inventory"),
        new Case("ingest.evidence.before-reconcile", "the evidence table holds 0 attempts"),
        new Case("ingest.requests.rejects-written", "Cannot reconcile requests input"),
        new Case("ingest.inventory.rejects-written", "Cannot reconcile inventory input"));
    for (Case c : cases) {
      Path lake = dir.resolve("lake-" + c.point());
      // The fault: one committed data file of the partition is gone.
      Faults.at(c.point(), TestLakes::deleteOneDataFile);
      CliTest.Run r = ingest(dir, lake, List.of(inv), List.of(logs), "validate.max_reject_rate=0.9");
      Faults.clear();
      assertEquals(1, r.code(), c.point() + ": " + r.out() + r.err());
      assertTrue(r.err().contains(c.expected()), c.point() + ": " + r.err());
      assertFalse(Files.exists(lake.resolve("inventory")), "nothing committed");
      assertFalse(Files.exists(lake.resolve("_runs/dt=" + DATE + "/ingest.json")), "not marked done");
    }
  }

  @Test
  void corruptMissingAndEmptyInputs(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    // A truncated Parquet file (real data, cut) and one that is no Parquet at all: exit 2 with
    // the file named, no stack trace, nothing written.
    Path good = dir.resolve("good");
    SharedSpark.get().createDataFrame(List.of(RowFactory.create("1.2.3.4", "8080")),
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
      CliTest.Run r = ingest(dir, lake, List.of(bad), List.of());
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("Cannot read Parquet input")
          && r.err().contains(bad.getFileName().toString()), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertFalse(Files.exists(lake), "nothing written");
    }
    CliTest.Run missing = ingest(dir, lake, List.of(dir.resolve("no/such/dir")), List.of());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file or directory"), missing.err());
    assertFalse(Files.exists(lake));

    // An empty file is an empty day of that source: zero records, accounted for, exit 0.
    Path empty = write(dir, "in/empty.txt", "");
    Path emptyLog = write(dir, "in/empty.log", "");
    Path inv = write(dir, "in/inv.txt", "1.2.3.4:8080\n");
    CliTest.Run ok = ingest(dir, lake, List.of(empty, inv), List.of(emptyLog));
    assertEquals(0, ok.code(), ok.err());
    String metrics = Files.readString(lake.resolve("_metrics/dt=" + DATE + "/ingest.json"));
    assertTrue(metrics.contains("empty.txt") && metrics.contains("empty.log"), metrics);
    assertEquals(1, table(lake, Tables.INVENTORY).count());
    assertEquals(0, table(lake, Tables.REQUESTS).count());
  }

  @Test
  void compareFindsIdenticalLakesAndRowLevelDifferences(@TempDir Path dir) throws Exception {
    Path inv = write(dir, "inv.txt", INVENTORY);
    for (String lake : List.of("a", "b", "c")) {
      assertEquals(0, ingest(dir, dir.resolve(lake), List.of(inv), List.of(),
          "validate.max_reject_rate=1.0").code());
    }
    CliTest.Run same = CliTest.run("compare", "--date", DATE, dir.resolve("a").toString(),
        dir.resolve("b").toString());
    assertEquals(0, same.code(), same.out() + same.err());
    assertTrue(same.out().contains("identical") && same.out().contains("inventory/dt=" + DATE),
        same.out());
    // One row changed in c: same count, different content.
    String table = dir.resolve("c") + "/inventory/dt=" + DATE;
    Dataset<Row> rows = SharedSpark.get().read().parquet(table);
    Dataset<Row> changed = rows.withColumn("port", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col("port").equalTo(rows.first().getAs("port")), 1)
        .otherwise(org.apache.spark.sql.functions.col("port")));
    changed.localCheckpoint().write().mode("overwrite").parquet(table);
    CliTest.Run diff = CliTest.run("compare", "--date", DATE, dir.resolve("a").toString(),
        dir.resolve("c").toString());
    assertEquals(1, diff.code(), diff.out());
    assertTrue(diff.out().contains("DIFFERENT") && diff.out().contains("only in A"), diff.out());
  }
}
