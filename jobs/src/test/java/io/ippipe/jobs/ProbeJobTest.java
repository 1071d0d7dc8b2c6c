package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.probe.JudgeServer;
import io.ippipe.common.probe.ProbeFixtures;
import io.ippipe.common.probe.ProbeFixtures.Behaviour;
import io.ippipe.common.probe.ProbeFixtures.Daemon;
import io.ippipe.common.probe.ProbeFixtures.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import io.ippipe.jobs.lake.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe job through the CLI against real proxies on loopback (tinyproxy with and without
 * credentials, dante) and broken endpoints; then a second day that follows the re-check policy.
 */
class ProbeJobTest {
  static final String DAY1 = "2026-11-24";
  static final String DAY2 = "2026-11-25";
  static final StructType INVENTORY = new StructType()
      .add("ip", DataTypes.StringType, false).add("port", DataTypes.IntegerType, false)
      .add("protocol", DataTypes.StringType, false).add("supplier", DataTypes.StringType, true)
      .add("source_file", DataTypes.StringType, true)
      .add("listed_in", DataTypes.createArrayType(DataTypes.StringType), true);

  /** The feed each test supplier's endpoints come from, unless a row names its own. */
  static String feedOf(String supplier) {
    return "file:/feeds/" + supplier + "/inventory.txt";
  }

  /**
   * An inventory partition written directly: ingest rightly rejects loopback addresses, and
   * these tests may only reach loopback. The columns a probe does not read are filled in.
   */
  static void inventory(Path lake, String date, List<Row> rows) {
    List<Row> full = new ArrayList<>();
    for (Row r : rows) {
      String file = r.size() >= 5 ? r.getString(4) : feedOf(r.getString(3));
      full.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), file,
          r.size() == 6 ? r.get(5) : List.of(file)));
    }
    org.apache.spark.sql.Dataset<Row> given = SharedSpark.get().createDataFrame(full, INVENTORY);
    List<org.apache.spark.sql.Column> columns = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : Tables.INVENTORY.schema().fields()) {
      org.apache.spark.sql.Column c = switch (f.name()) {
        case "ip", "port", "protocol", "supplier", "source_file", "listed_in" ->
            org.apache.spark.sql.functions.col(f.name());
        case "ip_version" -> org.apache.spark.sql.functions.lit(4);
        case "ip_bytes" -> org.apache.spark.sql.functions.lit(new byte[16]);
        case "has_credentials" -> org.apache.spark.sql.functions.lit(false);
        case "source_line" -> org.apache.spark.sql.functions.lit(1L);
        case "listed_count" -> org.apache.spark.sql.functions.lit(1);
        default -> org.apache.spark.sql.functions.lit(null).cast(f.dataType());
      };
      columns.add(c.as(f.name()));
    }
    given.select(columns.toArray(new org.apache.spark.sql.Column[0])).write()
        .mode(SaveMode.Overwrite).parquet(lake + "/inventory/dt=" + date);
  }

  static Map<String, List<Row>> probesByEndpoint(Path lake, String date) {
    Map<String, List<Row>> m = new HashMap<>();
    for (Row r : SharedSpark.get().read().parquet(lake + "/probes/dt=" + date)
        .orderBy("attempt").collectAsList()) {
      m.computeIfAbsent(r.getAs("protocol") + "://" + r.getAs("ip") + ":" + r.getAs("port"),
          k -> new ArrayList<>()).add(r);
    }
    return m;
  }

  static Map<String, Row> state(Path lake, String date) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : SharedSpark.get().read().parquet(lake + "/probe_state/dt=" + date).collectAsList()) {
      m.put(r.getAs("protocol") + "://" + r.getAs("ip") + ":" + r.getAs("port"), r);
    }
    return m;
  }

  static String[] probe(Path lake, String date, JudgeServer judge, Path credentials,
      String... extra) throws java.io.IOException {
    List<String> args = new ArrayList<>(List.of("probe", "--date", date, "--out", lake.toString(),
        "--judge", String.join(",", judge.urls()), "--conf", "probe.allow_networks=127.0.0.0/8",
        "--conf", "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(credentials.getParent()),
        "--conf", "probe.credentials=file:" + credentials,
        "--conf", "probe.credential_owners=locked=feed:" + feedOf("locked"),
        "--conf", "probe.connect_timeout_ms=500", "--conf", "probe.handshake_timeout_ms=1000",
        "--conf", "probe.response_timeout_ms=1500", "--conf", "probe.recheck.jitter=0",
        "--conf", "probe.recheck.backoff_base_hours=48", "--conf", "probe.partitions=2"));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  @Test
  void checksDueProxiesWritesEveryAttemptAndFollowsThePolicyNextDay(@TempDir Path dir)
      throws Exception {
    Path lake = dir.resolve("lake");
    Path credentials = dir.resolve("proxy-credentials");
    Files.writeString(credentials, "supplier.locked = alice:s3cret-probe-pass\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    // The judge on two ports, as docs/probe.md deploys it: every real proxy reaches either.
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", List.of(0, 0), "/judge", 1,
            ProbeFixtures.JUDGE_KEY);
        Daemon tinyproxy = ProbeFixtures.tinyproxy(dir, null);
        Daemon locked = ProbeFixtures.tinyproxy(dir, "alice s3cret-probe-pass");
        Daemon dante = ProbeFixtures.dante(dir);
        Endpoint closing = new Endpoint(Behaviour.CLOSE)) {
      int refused = ProbeFixtures.freePort();
      inventory(lake, DAY1, List.of(
          RowFactory.create("127.0.0.1", tinyproxy.port, "http", "open"),
          RowFactory.create("127.0.0.1", tinyproxy.port, "https", "open"),
          RowFactory.create("127.0.0.1", locked.port, "http", "locked"),
          RowFactory.create("127.0.0.1", dante.port, "socks5", "open"),
          RowFactory.create("127.0.0.1", closing.port(), "http", "broken"),
          RowFactory.create("127.0.0.1", refused, "socks5", "broken")));

      CliTest.Run day1 = CliTest.run(probe(lake, DAY1, judge, credentials));
      assertEquals(0, day1.code(), day1.err());
      assertTrue(day1.out().contains("6 checks"), day1.out());
      Map<String, List<Row>> p = probesByEndpoint(lake, DAY1);
      String tp = "://127.0.0.1:" + tinyproxy.port;
      assertEquals("ok", p.get("http" + tp).get(0).getAs("outcome"));
      assertEquals("anonymous", p.get("http" + tp).get(0).getAs("anonymity"));
      assertEquals("elite", p.get("https" + tp).get(0).getAs("anonymity"));
      assertEquals("ok", p.get("http://127.0.0.1:" + locked.port).get(0).getAs("outcome"),
          "credentials from probe.credentials by supplier");
      assertEquals("ok", p.get("socks5://127.0.0.1:" + dante.port).get(0).getAs("outcome"));
      // Transient failures get probe.retries (1) more attempts; only the last is final.
      List<Row> closed = p.get("http://127.0.0.1:" + closing.port());
      assertEquals(List.of("closed", "closed"), closed.stream().map(r -> (String) r.getAs("outcome")).toList());
      assertEquals(List.of(false, true), closed.stream().map(r -> (Boolean) r.getAs("final_attempt")).toList());
      List<Row> refusedRows = p.get("socks5://127.0.0.1:" + refused);
      assertEquals(2, refusedRows.size());
      assertEquals("refused", refusedRows.get(1).getAs("outcome"));
      for (List<Row> rows : p.values()) {
        assertEquals("new", rows.get(0).getAs("reason"));
        assertNotNull(rows.get(0).getAs("total_ms"));
      }

      Map<String, Row> s1 = state(lake, DAY1);
      assertEquals(6, s1.size());
      assertEquals(0, (int) s1.get("http" + tp).getAs("consecutive_failures"));
      assertEquals(1, (int) s1.get("http://127.0.0.1:" + closing.port()).getAs("consecutive_failures"));
      // The schedule's clock is the end of the date (UTC); regular re-checks wait 24 h, jitter 0.
      long now1 = java.time.Instant.parse(DAY2 + "T00:00:00Z").toEpochMilli();
      java.sql.Timestamp due = s1.get("http" + tp).getAs("next_due_at");
      assertEquals(now1 + 24 * 3_600_000L, due.getTime());
      java.sql.Timestamp backoff = s1.get("http://127.0.0.1:" + closing.port()).getAs("next_due_at");
      assertEquals(now1 + 48 * 3_600_000L, backoff.getTime());

      // No credential ever reaches an output or the metrics.
      try (Stream<Path> files = Files.walk(lake)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
              .contains("s3cret-probe-pass"), f.toString());
        }
      }
      assertFalse(day1.out().contains("s3cret") || day1.err().contains("s3cret"));

      // Day 2: one new endpoint. The passing ones are due again (24 h), the failing ones back
      // off (48 h). With max_checks 1 only the most urgent, the new one, is checked.
      List<Row> inv2 = new ArrayList<>(SharedSpark.get().read()
          .parquet(lake + "/inventory/dt=" + DAY1).select("ip", "port", "protocol", "supplier")
          .collectAsList());
      inv2.add(RowFactory.create("127.0.0.1", dante.port, "socks4", "open"));
      inventory(lake, DAY2, inv2);
      CliTest.Run day2 = CliTest.run(probe(lake, DAY2, judge, credentials,
          "--conf", "probe.max_checks=1"));
      assertEquals(0, day2.code(), day2.err());
      Map<String, List<Row>> p2 = probesByEndpoint(lake, DAY2);
      assertEquals(List.of("socks4://127.0.0.1:" + dante.port), new ArrayList<>(p2.keySet()));
      assertEquals("new", p2.values().iterator().next().get(0).getAs("reason"));
      Map<String, Row> s2 = state(lake, DAY2);
      assertEquals(7, s2.size(), "checked today plus carried");
      assertEquals((Object) s1.get("http" + tp).getAs("next_due_at"),
          s2.get("http" + tp).getAs("next_due_at"), "carried unchanged");
      String metrics = Files.readString(lake.resolve("_metrics/dt=" + DAY2 + "/probe.json"));
      assertTrue(metrics.contains("\"regular\" : 4") && metrics.contains("\"new\" : 1"), metrics);

      // Without max_checks the due regular ones are checked; the failing ones still wait.
      CliTest.Run again = CliTest.run(probe(lake, DAY2, judge, credentials));
      assertEquals(0, again.code(), again.err());
      Map<String, List<Row>> p3 = probesByEndpoint(lake, DAY2);
      assertEquals(5, p3.size(), p3.keySet().toString());
      assertFalse(p3.containsKey("http://127.0.0.1:" + closing.port()));
    }
  }

  @Test
  void misconfigurationExitsTwoBeforeReadingAnything(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    CliTest.Run noJudge = CliTest.run("probe", "--date", DAY1, "--out", lake.toString());
    assertEquals(2, noJudge.code());
    assertTrue(noJudge.err().contains("probe.judge_url"), noJudge.err());
    CliTest.Run https = CliTest.run("probe", "--date", DAY1, "--out", lake.toString(),
        "--judge", "https://judge.example.net/");
    assertEquals(2, https.code());
    CliTest.Run samePort = CliTest.run("probe", "--date", DAY1, "--out", lake.toString(),
        "--judge", "http://127.0.0.1:9/judge,http://127.0.0.2:9/judge");
    assertEquals(2, samePort.code());
    assertTrue(samePort.err().contains("probe.judge_url lists port 9 twice"), samePort.err());
    Path open = dir.resolve("creds");
    Files.writeString(open, "supplier.x = a:b\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    CliTest.Run readable = CliTest.run("probe", "--date", DAY1, "--out", lake.toString(),
        "--judge", "http://127.0.0.1:9/judge", "--conf", "probe.credentials=file:" + open);
    assertEquals(2, readable.code());
    assertTrue(readable.err().contains("probe.credentials") || readable.err().contains(open.toString()),
        readable.err());
    CliTest.Run noKey = CliTest.run("probe", "--date", DAY1, "--out", lake.toString(),
        "--judge", "http://127.0.0.1:9/judge");
    assertEquals(2, noKey.code());
    assertTrue(noKey.err().contains("probe.judge_key is not set"), noKey.err());
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-------"));
    CliTest.Run unowned = CliTest.run("probe", "--date", DAY1, "--out", lake.toString(),
        "--judge", "http://127.0.0.1:9/judge", "--conf", "probe.credentials=file:" + open,
        "--conf", "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(dir));
    assertEquals(2, unowned.code());
    assertTrue(unowned.err().contains("supplier(s) x")
        && unowned.err().contains("probe.credential_owners"), unowned.err());
    assertFalse(Files.exists(lake.resolve("probes")));
  }

  @Test
  void theJudgeListensOnEveryPortItIsGivenAndPrintsTheirUrlsAsProbeJudgeUrl(@TempDir Path dir)
      throws Exception {
    String key = "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(dir);
    CliTest.Run two = CliTest.run("judge", "--port", "0,0", "--exit-after", "1", "--conf", key);
    assertEquals(0, two.code(), two.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "judge listening: (http://127\\.0\\.0\\.1:(\\d+)/judge),"
        + "(http://127\\.0\\.0\\.1:(\\d+)/judge)\n").matcher(two.out());
    assertTrue(m.find(), two.out());
    assertFalse(m.group(2).equals(m.group(4)), two.out());
    assertEquals(2, io.ippipe.common.probe.JudgeUrl.parseList(m.group(1) + "," + m.group(3))
        .size());
    CliTest.Run twice = CliTest.run("judge", "--port", "8899,8899", "--conf", key);
    assertEquals(2, twice.code());
    assertTrue(twice.err().contains("--port lists 8899 twice"), twice.err());
  }

  /**
   * A supplier's credentials go to the endpoints of the feeds the operator declared for it, never
   * to a row that merely says it is that supplier's: the hostile proxies here record every
   * request line and header they receive, and forward to the judge as a proxy would.
   */
  @Test
  void aRowClaimingASupplierFromAnUndeclaredFeedGetsNoCredentials(@TempDir Path dir)
      throws Exception {
    Path lake = dir.resolve("lake");
    Path credentials = dir.resolve("proxy-credentials");
    Files.writeString(credentials, "supplier.acme = alice:acme-probe-pass\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
        Endpoint declared = new Endpoint(Behaviour.TRANSPARENT);
        Endpoint hostile = new Endpoint(Behaviour.TRANSPARENT);
        Endpoint sibling = new Endpoint(Behaviour.TRANSPARENT)) {
      inventory(lake, DAY1, List.of(
          RowFactory.create("127.0.0.1", declared.port(), "http", "acme", feedOf("acme")),
          RowFactory.create("127.0.0.1", hostile.port(), "http", "acme",
              "file:/feeds/hostile/inventory.txt"),
          RowFactory.create("127.0.0.1", sibling.port(), "http", "acme",
              "file:/feeds/acme-evil/inventory.txt")));
      List<String> args = new ArrayList<>(List.of(probe(lake, DAY1, judge, credentials)));
      args.addAll(List.of("--conf", "probe.credential_owners=acme=feed:file:/feeds/acme"));
      CliTest.Run run = CliTest.run(args.toArray(new String[0]));
      assertEquals(0, run.code(), run.err());
      Map<String, List<Row>> p = probesByEndpoint(lake, DAY1);
      String basic = "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
          .encodeToString("alice:acme-probe-pass".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      // The declared feed's endpoint gets them: the recording proxy would see them if sent.
      assertTrue(declared.seen.stream().anyMatch(h -> h.equalsIgnoreCase(basic)),
          declared.seen.toString());
      for (Endpoint e : List.of(hostile, sibling)) {
        assertEquals("ok", p.get("http://127.0.0.1:" + e.port()).get(0).getAs("outcome"));
        assertFalse(e.seen.isEmpty());
        assertTrue(e.seen.stream().noneMatch(h -> h.toLowerCase().contains("authorization")),
            "the proxy (and so the judge behind it) saw " + e.seen);
      }
    }
  }

  /**
   * Ownership is resolved over every file that listed an endpoint: another feed listing the
   * same endpoint from a path that sorts first (so ingest kept its listing) took the owner's
   * credentials from it, and its probes failed as unauthenticated. An endpoint two declared
   * suppliers' feeds both list gets neither's (the operator's word about it is ambiguous).
   */
  @Test
  void anEndpointAnotherFeedListsFirstStillGetsItsOwnersCredentials(@TempDir Path dir)
      throws Exception {
    Path lake = dir.resolve("lake");
    Path credentials = dir.resolve("proxy-credentials");
    Files.writeString(credentials, "supplier.acme = alice:acme-probe-pass\n"
        + "supplier.other = bob:other-probe-pass\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    String first = "file:/feeds/aaa/inventory.txt";
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
        Endpoint owned = new Endpoint(Behaviour.TRANSPARENT);
        Endpoint contested = new Endpoint(Behaviour.TRANSPARENT)) {
      inventory(lake, DAY1, List.of(
          RowFactory.create("127.0.0.1", owned.port(), "http", "aaa", first,
              List.of(first, feedOf("acme"))),
          RowFactory.create("127.0.0.1", contested.port(), "http", "acme", feedOf("acme"),
              List.of(feedOf("acme"), feedOf("other")))));
      List<String> args = new ArrayList<>(List.of(probe(lake, DAY1, judge, credentials)));
      args.addAll(List.of("--conf", "probe.credential_owners=acme=feed:file:/feeds/acme, "
          + "other=feed:file:/feeds/other"));
      CliTest.Run run = CliTest.run(args.toArray(new String[0]));
      assertEquals(0, run.code(), run.err());
      String basic = "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
          .encodeToString("alice:acme-probe-pass".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(owned.seen.stream().anyMatch(h -> h.equalsIgnoreCase(basic)),
          owned.seen.toString());
      assertFalse(contested.seen.isEmpty());
      assertTrue(contested.seen.stream().noneMatch(h -> h.toLowerCase().contains("authorization")),
          contested.seen.toString());
    }
  }

  @Test
  void credentialsFromTheHadoopCredentialProvider(@TempDir Path dir) throws Exception {
    String provider = "jceks://file" + dir.resolve("probe.jceks").toAbsolutePath();
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set("hadoop.security.credential.provider.path", provider);
    conf.setBoolean("fs.file.impl.disable.cache", true);  // the session's file system stays its own
    var p = org.apache.hadoop.security.alias.CredentialProviderFactory.getProviders(conf).get(0);
    p.createCredentialEntry("ippipe.probe", "supplier.acme = alice:from-jceks\n".toCharArray());
    p.createCredentialEntry("ippipe.judge", ProbeFixtures.JUDGE_KEY_HEX.toCharArray());
    p.flush();
    io.ippipe.common.config.PipelineConfig config = io.ippipe.common.config.PipelineConfig.of(
        Map.of(), Map.of("probe.judge_url", "http://127.0.0.1:9/judge",
            "probe.credentials", "credential:ippipe.probe",
            "probe.credential_owners", "acme=net:203.0.113.0/24",
            "probe.judge_key", "credential:ippipe.judge",
            "crypto.credential_provider_path", provider));
    var prepared = io.ippipe.jobs.probe.ProbeJob.prepare(
        SharedSpark.get().sparkContext().hadoopConfiguration(), config);
    assertEquals("from-jceks", prepared.credentials().lookup(new io.ippipe.common.probe.ProbeTarget(
        "203.0.113.1", 80, io.ippipe.common.input.ProxyProtocol.HTTP, "acme"), null).password());
    // The judge key from the same provider: it verifies what the tests' judge signs.
    assertTrue(prepared.settings().judgeKey().verifies(io.ippipe.common.probe.JudgeReport.signed(
        "m1234567", "203.0.113.1", Map.of(), ProbeFixtures.JUDGE_KEY)));
    io.ippipe.common.config.PipelineConfig missing = io.ippipe.common.config.PipelineConfig.of(
        Map.of(), Map.of("probe.judge_url", "http://127.0.0.1:9/judge",
            "probe.credentials", "credential:nope", "crypto.credential_provider_path", provider));
    io.ippipe.common.error.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.ippipe.common.error.ConfigException.class, () -> io.ippipe.jobs.probe.ProbeJob.prepare(
            SharedSpark.get().sparkContext().hadoopConfiguration(), missing));
    assertTrue(e.getMessage().contains("alias nope"), e.getMessage());
  }

  @Test
  void singleCheckToolAndProductionRefusal(@TempDir Path dir) throws Exception {
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
        Daemon dante = ProbeFixtures.dante(dir)) {
      String key = "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(dir);
      CliTest.Run ok = CliTest.run("ip", "probe", "127.0.0.1:" + dante.port, "--protocol",
          "socks5", "--judge", judge.url(), "--conf", "probe.allow_networks=127.0.0.0/8",
          "--conf", key);
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("\"outcome\":\"ok\"") && ok.out().contains("\"anonymity\":\"elite\""),
          ok.out());
      CliTest.Run refused = CliTest.run("ip", "probe", "127.0.0.1:" + dante.port, "--protocol",
          "socks5", "--judge", judge.url(), "--conf", key);
      assertEquals(1, refused.code());
      assertTrue(refused.out().contains("\"outcome\":\"not_allowed\""), refused.out());
      // The old test-only switch is no setting at all: no config file or --conf reaches it.
      CliTest.Run testSwitch = CliTest.run("ip", "probe", "127.0.0.1:" + dante.port,
          "--protocol", "socks5", "--judge", judge.url(), "--conf", key,
          "--conf", "probe.test.allow_special_purpose=true");
      assertEquals(2, testSwitch.code());
      assertTrue(testSwitch.err().contains("Unknown config key(s): probe.test.allow_special_purpose"),
          testSwitch.err());
    }
  }

  @Test
  void runsAsAStageOfTheNightlyRun(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
        Daemon dante = ProbeFixtures.dante(dir)) {
      inventory(lake, DAY1, List.of(RowFactory.create("127.0.0.1", dante.port, "socks5", "a")));
      CliTest.Run run = CliTest.run("run", "--date", DAY1, "--out", lake.toString(),
          "--conf", "run.stages=probe", "--conf", "probe.judge_url=" + judge.url(),
          "--conf", "probe.allow_networks=127.0.0.0/8",
          "--conf", "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(dir));
      assertEquals(0, run.code(), run.err());
      assertTrue(run.out().contains("1 checks"), run.out());
      assertTrue(Files.exists(lake.resolve("_runs/dt=" + DAY1 + "/probe.json")));
      assertFalse(Files.exists(lake.resolve("_staging/dt=" + DAY1 + "/probe")));
      String runJson = Files.readString(lake.resolve("_metrics/dt=" + DAY1 + "/run.json"));
      assertTrue(runJson.contains("\"probe\"") && runJson.contains("\"ok\" : 1"), runJson);
      assertEquals("ok", probesByEndpoint(lake, DAY1).values().iterator().next().get(0)
          .getAs("outcome"));
    }
  }

  /** probe's accounting, reached by a written probes file gone before it checks. */
  @Test
  void theReconciliationCatchesAMissingProbesFile(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
        Daemon dante = ProbeFixtures.dante(dir)) {
      inventory(lake, DAY1, List.of(RowFactory.create("127.0.0.1", dante.port, "socks5", "a")));
      io.ippipe.jobs.run.Faults.at("probe.before-reconcile", TestLakes::deleteOneDataFile);
      CliTest.Run run;
      try {
        run = CliTest.run("run", "--date", DAY1, "--out", lake.toString(),
            "--conf", "run.stages=probe", "--conf", "probe.judge_url=" + judge.url(),
            "--conf", "probe.allow_networks=127.0.0.0/8",
            "--conf", "probe.judge_key=file:" + ProbeFixtures.judgeKeyFile(dir));
      } finally {
        io.ippipe.jobs.run.Faults.clear();
      }
      assertEquals(1, run.code(), run.out() + run.err());
      assertTrue(run.err().contains("Cannot reconcile probe"), run.err());
      assertFalse(Files.exists(lake.resolve("_runs/dt=" + DAY1 + "/probe.json")), "not marked done");
    }
  }
}
