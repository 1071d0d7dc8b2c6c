package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.jobs.cli.IppipeCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the CLI, end to end through picocli (Spark only where needed). */
class CliTest {

  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      SharedSpark.get();
      int code = IppipeCli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void everyJobHasHelp() {
    for (String job : new String[] {"run", "sql", "generate", "ingest", "probe", "score", "publish",
        "decrypt", "keygen", "geo", "ip", "compare", "judge", "eval"}) {
      Run r = run(job, "--help");
      assertEquals(0, r.code(), job);
      assertTrue(r.out().contains("Usage: ippipe " + job), r.out());
    }
  }

  /** A partition written before a column was added must not hide it from the others. */
  @Test
  void sqlSeesColumnsThatOnlyNewerPartitionsHave(@TempDir Path dir) {
    org.apache.spark.sql.SparkSession spark = SharedSpark.get();
    spark.sql("SELECT 41.5 AS score").write().parquet(dir.resolve("scores/dt=2026-11-24").toString());
    spark.sql("SELECT 90.0 AS score, 70.0 AS bound_score")
        .write().parquet(dir.resolve("scores/dt=2026-11-25").toString());
    Run r = run("sql", "--lake", dir.toString(),
        "SELECT count(*) AS n, count(bound_score) AS bounds FROM scores");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*\\|2\\s*\\|1\\s*\\|.*"), r.out());
  }

  @Test
  void unknownConfigKeyIsExit2BeforeReadingData(@TempDir Path dir) {
    Run r = run("ingest", "--date", "2026-11-25", "--out", dir.toString(), "--inventory",
        dir.resolve("missing").toString(), "--conf", "validate.max_rejects=0.1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown config key(s): validate.max_rejects"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void invalidValueAndMissingInputAreExit2(@TempDir Path dir) {
    Run bad = run("ingest", "--date", "2026-11-25", "--out", dir.toString(), "--inventory",
        dir.toString(), "--conf", "validate.max_reject_rate=2");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("Invalid value for validate.max_reject_rate (from cli): '2'"), bad.err());
    Run missing = run("ingest", "--date", "2026-11-25", "--out", dir.toString(), "--inventory",
        dir.resolve("nope").toString(), "--conf", "geo.sources=");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file or directory"), missing.err());
    Run date = run("ingest", "--date", "25/11/2026", "--out", dir.toString(), "--inventory", dir.toString());
    assertEquals(2, date.code());
    assertTrue(date.err().contains("Invalid --date: 25/11/2026, expected YYYY-MM-DD"), date.err());
  }

  @Test
  void qualityGateIsExit3(@TempDir Path dir) throws Exception {
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "1.2.3.4:80\nnonsense\n");
    Run r = run("ingest", "--date", "2026-11-25", "--out", dir.resolve("lake").toString(),
        "--inventory", inv.toString(), "--conf", "geo.sources=");
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("Data-quality gate breached"), r.err());
  }

  @Test
  void ipCheckPrintsOneLinePerInputInOrder() {
    Run r = run("ip", "check", "2001:DB8::1", "010.1.1.1", "::ffff:8.8.8.8");
    assertEquals(0, r.code());
    assertEquals("2001:DB8::1\t2001:db8::1\t6\tdocumentation\n010.1.1.1\t\t\tINVALID_IPV4\n"
        + "::ffff:8.8.8.8\t8.8.8.8\t4\tglobal\n", r.out());
  }

  @Test
  void generateThenIngestEveryFormat(@TempDir Path dir) throws Exception {
    String[][] formats = {{"plain", "squid"}, {"status", "clf"}, {"csv", "jsonl"}, {"jsonl", "parquet"}, {"parquet", "squid"}};
    for (String[] f : formats) {
      Path in = dir.resolve(f[0] + "-" + f[1]);
      Run g = run("generate", "--date", "2026-11-25", "--proxies", "300", "--requests", "2000",
          "--inventory-format", f[0], "--log-format", f[1], "--out", in.toString());
      assertEquals(0, g.code(), g.err());
      Path lake = in.resolve("lake");
      Run v = TestLakes.ingest(dir, lake, List.of(in.resolve("inventory")),
          List.of(in.resolve("requests")));
      assertEquals(0, v.code(), f[0] + "/" + f[1] + ": " + v.err());
      com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(lake.resolve("_metrics/dt=2026-11-25/ingest.json").toFile()).path("datasets");
      // 300 proxies + 2% duplicates + 1% malformed lines; the structural CSV header aside.
      assertEquals(f[0].equals("csv") ? 311 : 309, m.path("inventory").path("recordsRead").asLong(),
          f[0]);
      assertEquals(300, m.path("inventory").path("rowsWritten").asLong(), f[0]);
      assertEquals(2000, m.path("requests").path("recordsRead").asLong(), f[1]);
      assertEquals(m.path("requests").path("valid").asLong(),
          TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REQUESTS).count(), f[1]);
    }
  }

  @Test
  void ipEncryptReproducesAVectorAndReportsBadLines(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("nd.key");
    Files.writeString(key, "2b7e151628aed2a6abf7158809cf4f3c\n");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("2001:db8::1\nnot an ip\n".getBytes(StandardCharsets.UTF_8)));
      Run r = run("ip", "encrypt", "--scheme", "ipcrypt-nd", "--key-file", key.toString(),
          "--tweak", "b4ecbe30b70898d7");
      assertEquals(1, r.code(), "a bad line makes the exit code 1");
      assertEquals("b4ecbe30b70898d7553ac8974d1b4250eafc4b0aa1f80c96\nerror: NOT_AN_IP\n", r.out());
      System.setIn(new java.io.ByteArrayInputStream(
          "b4ecbe30b70898d7553ac8974d1b4250eafc4b0aa1f80c96\nzz\n".getBytes(StandardCharsets.UTF_8)));
      Run d = run("ip", "decrypt", "--scheme", "ipcrypt-nd", "--key-file", key.toString());
      assertEquals("2001:db8::1\nerror: WRONG_LENGTH\n", d.out());
      Run badTweak = run("ip", "encrypt", "--scheme", "ipcrypt-nd", "--key-file", key.toString(),
          "--tweak", "00");
      assertEquals(2, badTweak.code());
      assertTrue(badTweak.err().contains("takes a 8-byte tweak"), badTweak.err());
    } finally {
      System.setIn(stdin);
    }
  }
}
