package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.score.ScoreParams;
import io.ippipe.common.score.Wilson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingest -> score over two days through the CLI: the request evidence per endpoint
 * (ports, Squid-style port-less evidence, log-only proxies), every exclusion, geo and type
 * consistency, and the day-over-day memory with its decay.
 */
class ScoreJobTest {
  /**
   * The scoring settings before issue 19's policy: these tests check how the job gathers and
   * carries evidence, against arithmetic written out by hand for those settings (ScoreModelTest
   * covers the policy).
   */
  static final List<String> PRE_ISSUE_19 = List.of("--conf", "score.wilson_z=1.96", "--conf",
      "score.min_attempts=20", "--conf", "score.probation_evidence=0", "--conf",
      "score.shift.min_attempts=0", "--conf", "publish.min_score=40", "--conf",
      "score.failing_p=0", "--conf", "score.combine=mean", "--conf", "score.shift.p=0",
      "--conf", "score.rank=bound", "--conf", "score.min_bound_score=0");

  static final String DAY1 = "2026-11-24";
  static final String DAY2 = "2026-11-25";

  /** A lake with two validated, geo-tagged days; returns the config overrides used. */
  static List<String> twoDays(Path dir) throws Exception {
    Path geo = dir.resolve("geo.csv");
    Files.writeString(geo, "1.0.0.0,1.0.0.255,US,64500,Example Hosting,hosting\n"
        + "2.0.0.0,2.0.0.255,DE,64501,Example ISP,isp\n"
        + "3.0.0.0,3.0.0.255,NL,64502,Example NL,isp\n");
    Path block = dir.resolve("test-block.netset");
    Files.writeString(block, "# a FireHOL-style list\n2.0.0.4\n");
    List<String> conf = new ArrayList<>(List.of("--conf",
        "geo.sources=csv:" + geo + ":country_code+asn+as_org+network_type",
        "--conf", "score.blocklists=" + block));
    conf.addAll(PRE_ISSUE_19);
    Path lake = dir.resolve("lake");

    String inv1 = "ip,port,protocol,proxy_type,supplier,country\n"
        + "1.0.0.1,8080,http,datacenter,acme,US\n"
        + "1.0.0.2,8080,http,residential,acme,US\n"
        + "1.0.0.3,8080,http,datacenter,acme,US\n"
        + "2.0.0.1,3128,socks5,residential,beta,FR\n"
        + "2.0.0.2,3128,http,isp,beta,DE\n"
        + "2.0.0.3,3128,http,isp,beta,DE\n"
        + "2.0.0.4,80,http,isp,beta,DE\n";
    List<String> log1 = new ArrayList<>();
    add(log1, 30, DAY1, "1.0.0.1", 8080, 200, 100, "1.0.0.1");
    add(log1, 10, DAY1, "1.0.0.1", 8080, 200, 100, "1.0.0.99");
    add(log1, 10, DAY1, "2.0.0.2", 3128, 200, 300);
    add(log1, 10, DAY1, "2.0.0.2", 3128, 403, 300);
    add(log1, 10, DAY1, "1.0.0.2", 8080, 200, 100);
    add(log1, 5, DAY1, "3.0.0.9", 1080, 200, 100);
    add(log1, 4, DAY1, "2.0.0.1", -1, 504, 9000);
    day(dir, lake, DAY1, inv1, log1, conf);

    // Day 2: 2.0.0.3 is no longer listed; only 1.0.0.1 carries traffic.
    String inv2 = inv1.replace("2.0.0.3,3128,http,isp,beta,DE\n", "");
    List<String> log2 = new ArrayList<>();
    add(log2, 40, DAY2, "1.0.0.1", 8080, 200, 100);
    day(dir, lake, DAY2, inv2, log2, conf);
    return conf;
  }

  private static void add(List<String> lines, int n, String date, String ip, int port, int status,
      long elapsed) {
    add(lines, n, date, ip, port, status, elapsed, null);
  }

  private static void add(List<String> lines, int n, String date, String ip, int port, int status,
      long elapsed, String exitIp) {
    for (int i = 0; i < n; i++) {
      lines.add("{\"ts\":\"" + date + "T10:00:" + String.format("%02d", i % 60) + "Z\","
          + "\"client_ip\":\"198.51.100.7\",\"proxy_ip\":\"" + ip + "\""
          + (port > 0 ? ",\"proxy_port\":" + port : "") + ",\"status\":" + status
          + ",\"elapsed_ms\":" + elapsed + ",\"bytes\":1000,\"method\":\"GET\","
          + "\"target_host\":\"t" + (i % 3) + ".example\""
          + (exitIp == null ? "" : ",\"exit_ip\":\"" + exitIp + "\"") + "}");
    }
  }

  private static void day(Path dir, Path lake, String date, String inventory, List<String> log,
      List<String> conf) throws Exception {
    Path in = dir.resolve("in-" + date);
    Files.createDirectories(in);
    Files.writeString(in.resolve("inventory.csv"), inventory);
    Files.write(in.resolve("requests.jsonl"), log);
    List<String> a = new ArrayList<>(List.of("ingest", "--date", date, "--out", lake.toString(),
        "--inventory", in.resolve("inventory.csv").toString(), "--requests",
        in.resolve("requests.jsonl").toString()));
    a.addAll(TestLakes.conf(dir));
    a.addAll(conf);
    CliTest.Run v = CliTest.run(a.toArray(new String[0]));
    assertEquals(0, v.code(), v.err());
  }

  static CliTest.Run score(Path lake, String date, List<String> conf, String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--date", date, "--out", lake.toString()));
    args.addAll(conf);
    args.addAll(List.of(extra));
    return CliTest.run(args.toArray(new String[0]));
  }

  static Map<String, Row> byEndpoint(Path lake, String date) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : SharedSpark.get().read().parquet(lake + "/scores/dt=" + date).collectAsList()) {
      m.put(r.getAs("ip") + ":" + r.getAs("port"), r);
    }
    return m;
  }

  private static double d(Row r, String c) {
    return ((Number) r.getAs(c)).doubleValue();
  }

  private static long l(Row r, String c) {
    return ((Number) r.getAs(c)).longValue();
  }

  @Test
  void theRecordIsCarriedAndFailsAMediocreProxyUnderTheDefaultPolicy(@TempDir Path dir)
      throws Exception {
    // A proxy that serves 29 of 40 a day: the day's test passes it each day, its record fails
    // it on the second (ScoreModelTest has the arithmetic). The default policy, no overrides.
    Path lake = dir.resolve("lake");
    String inventory = "ip,port,protocol,proxy_type,supplier,country\n"
        + "1.0.0.1,8080,http,datacenter,acme,US\n";
    for (String date : List.of(DAY1, DAY2)) {
      List<String> log = new ArrayList<>();
      add(log, 29, date, "1.0.0.1", 8080, 200, 100);
      add(log, 11, date, "1.0.0.1", 8080, 502, 100);
      day(dir, lake, date, inventory, log, List.of());
    }
    assertEquals(0, score(lake, DAY1, List.of()).code());
    Row first = byEndpoint(lake, DAY1).get("1.0.0.1:8080");
    assertNull(first.getAs("excluded_reason"));
    assertEquals(29.0, d(first, "evidence_successes"), 1e-9);
    assertEquals(0, score(lake, DAY2, List.of()).code());
    Row second = byEndpoint(lake, DAY2).get("1.0.0.1:8080");
    assertEquals(29.0, d(second, "previous_successes"), 1e-9);
    assertEquals("failing_record", second.getAs("excluded_reason"));

    // A previous partition written before the record was kept: its trials count at
    // score.good_rate, and the same day is not condemned by a record nobody kept.
    Path day1 = lake.resolve("scores/dt=" + DAY1);
    Path old = dir.resolve("old-scores");
    SharedSpark.get().read().parquet(day1.toString()).drop("evidence_successes").coalesce(1)
        .write().parquet(old.toString());
    try (var files = Files.list(day1)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.delete(f);
      }
    }
    try (var files = Files.list(old)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.move(f, day1.resolve(f.getFileName()));
      }
    }
    CliTest.Run again = score(lake, DAY2, List.of());
    assertEquals(0, again.code(), again.err());
    Row upgraded = byEndpoint(lake, DAY2).get("1.0.0.1:8080");
    assertNull(upgraded.getAs("previous_successes"));
    double carried = 40 * Math.pow(0.5, 1 / 7.0);
    assertEquals(29 + carried * 0.8, d(upgraded, "evidence_successes"), 1e-9);
    assertNull(upgraded.getAs("excluded_reason"));
  }

  @Test
  void activeChecksJoinTheEvidence(@TempDir Path dir) throws Exception {
    List<String> conf = twoDays(dir);
    Path lake = dir.resolve("lake");
    // 1.0.0.3 carried no traffic: one passing check. 2.0.0.3 neither: a check that failed
    // twice, of which only the final attempt counts.
    java.sql.Timestamp at = java.sql.Timestamp.from(java.time.Instant.parse(DAY1 + "T03:00:00Z"));
    List<Row> probes = List.of(
        org.apache.spark.sql.RowFactory.create("1.0.0.3", 8080, "http", "acme", "new", 1, true,
            at, "ok", 5.0, null, 150.0, 200.0, 200, "1.0.0.3", true, "elite", null),
        org.apache.spark.sql.RowFactory.create("2.0.0.3", 3128, "http", "beta", "new", 1, false,
            at, "connect_timeout", null, null, null, 500.0, null, null, null, null, "timeout"),
        org.apache.spark.sql.RowFactory.create("2.0.0.3", 3128, "http", "beta", "new", 2, true,
            at, "connect_timeout", null, null, null, 500.0, null, null, null, null, "timeout"));
    SharedSpark.get().createDataFrame(probes, io.ippipe.jobs.probe.ProbeJob.PROBES).write()
        .parquet(lake + "/probes/dt=" + DAY1);
    CliTest.Run s1 = score(lake, DAY1, conf);
    assertEquals(0, s1.code(), s1.err());
    Map<String, Row> day1 = byEndpoint(lake, DAY1);
    double w = ScoreParams.defaults().probeWeight();
    Row passed = day1.get("1.0.0.3:8080");
    assertEquals(1, l(passed, "probe_checks"));
    assertEquals(1, l(passed, "probe_passed"));
    assertEquals(200.0, d(passed, "probe_median_ms"), 1e-9);
    assertEquals(Wilson.lowerBound(w, w, 1.96), d(passed, "availability"), 1e-12);
    assertEquals(w, d(passed, "evidence"), 1e-12);
    Row failed = day1.get("2.0.0.3:3128");
    assertEquals(1, l(failed, "probe_checks"));
    assertEquals(0, l(failed, "probe_passed"));
    assertEquals(0.0, d(failed, "availability"), 1e-12);
    assertTrue(d(passed, "score") > d(failed, "score"));
    Row untouched = day1.get("1.0.0.1:8080");
    assertEquals(0, l(untouched, "probe_checks"));
  }

  @Test
  void scoresEvidenceExclusionsAndMemory(@TempDir Path dir) throws Exception {
    List<String> conf = twoDays(dir);
    Path lake = dir.resolve("lake");
    CliTest.Run s1 = score(lake, DAY1, conf);
    assertEquals(0, s1.code(), s1.err());
    Map<String, Row> day1 = byEndpoint(lake, DAY1);
    assertEquals(8, day1.size(), day1.keySet().toString());

    Row good = day1.get("1.0.0.1:8080");
    assertEquals(40, l(good, "attempts"));
    assertEquals(40, l(good, "successes"));
    assertEquals(100.0, d(good, "latency_p90_ms"), 1e-9);
    assertEquals(3, l(good, "distinct_targets"));
    assertEquals(40, l(good, "exit_observed"));
    assertEquals(0.25, d(good, "exit_mismatch_rate"), 1e-12);
    double observed = 100 * (0.7 * Wilson.lowerBound(40, 40, 1.96) + 0.3 * 1.0);
    assertEquals(observed, d(good, "observed"), 1e-9);
    double health1 = (40 * observed + 20 * 50.0) / 60;
    assertEquals(health1, d(good, "health"), 1e-9);
    assertEquals(Math.round(health1 * 10) / 10.0, d(good, "bound_score"), 1e-9);
    // The record's rate has the prior's 20 attempts beside the 40 successes.
    assertEquals((40 + 20 * 0.5) / 60, d(good, "record_rate"), 1e-12);
    assertEquals("match", good.getAs("geo_consistency"));
    assertNull(good.getAs("excluded_reason"));

    Row banned = day1.get("2.0.0.2:3128");
    assertEquals(10, l(banned, "bans"));
    assertEquals(0.5, d(banned, "ban_rate"), 1e-12);
    assertTrue(d(banned, "score") < d(good, "score") / 2, "bans cost: " + d(banned, "score"));

    // Port-less (Squid-style) evidence reaches the listed endpoint of that address.
    Row timeouts = day1.get("2.0.0.1:3128");
    assertEquals(4, l(timeouts, "connect_failures"));
    assertEquals(0, l(timeouts, "successes"));
    assertEquals("mismatch", timeouts.getAs("geo_consistency"));
    assertEquals(0.5, d(timeouts, "geo_factor"));

    assertEquals("mismatch", day1.get("1.0.0.2:8080").getAs("type_consistency"));
    Row idle = day1.get("2.0.0.3:3128");
    assertEquals(0, l(idle, "attempts"));
    assertEquals(50.0, d(idle, "score"), 1e-9);
    assertEquals("blocklisted:test-block", day1.get("2.0.0.4:80").getAs("excluded_reason"));
    Row logOnly = day1.get("3.0.0.9:1080");
    assertEquals("not_in_inventory", logOnly.getAs("excluded_reason"));
    assertNull(logOnly.getAs("protocol"));
    // Geo per proxy is the inventory's; an endpoint only the logs name has none.
    assertNull(logOnly.getAs("country_code"));

    CliTest.Run s2 = score(lake, DAY2, conf);
    assertEquals(0, s2.code(), s2.err());
    assertTrue(s2.out().contains("previous " + DAY1), s2.out());
    Map<String, Row> day2 = byEndpoint(lake, DAY2);
    assertEquals(8, day2.size());
    Row good2 = day2.get("1.0.0.1:8080");
    double carried = 40 * Math.pow(0.5, 1 / 7.0);
    assertEquals(carried, d(good2, "carried_evidence"), 1e-9);
    // The record's successes are carried with it, decayed alike.
    assertEquals(l(good, "successes"), d(good, "evidence_successes"), 1e-9);
    assertEquals(d(good, "evidence_successes"), d(good2, "previous_successes"), 1e-9);
    assertEquals(l(good2, "successes") + carried * l(good, "successes") / 40.0,
        d(good2, "evidence_successes"), 1e-9);
    assertEquals((40 * observed + carried * health1 + 20 * 50.0) / (40 + carried + 20),
        d(good2, "health"), 1e-9);
    Row unlisted = day2.get("2.0.0.3:3128");
    assertFalse((Boolean) unlisted.getAs("in_inventory"));
    assertEquals("not_in_inventory", unlisted.getAs("excluded_reason"));
    assertEquals(java.sql.Date.valueOf(DAY1), unlisted.getAs("last_listed"));
    assertEquals(java.sql.Date.valueOf(DAY1), unlisted.getAs("previous_dt"));
    // The banned proxy had no traffic today: its health is carried, its freshness decays.
    Row banned2 = day2.get("2.0.0.2:3128");
    assertEquals(0, l(banned2, "attempts"));
    assertEquals(d(banned, "health"), d(banned2, "previous_health"), 1e-9);
    assertEquals(Math.pow(0.5, 1 / 7.0), d(banned2, "freshness"), 1e-9);

    // A rerun of a scored date reproduces the same rows.
    // The rows are checkpointed, not cached: a re-read of a cached path is served from the cache
    // even after its files are replaced, which would compare the old rows with themselves.
    Dataset<Row> before = SharedSpark.get().read().parquet(lake + "/scores/dt=" + DAY2).localCheckpoint();
    assertEquals(0, score(lake, DAY2, conf).code());
    Dataset<Row> after = SharedSpark.get().read().parquet(lake + "/scores/dt=" + DAY2);
    assertEquals(before.count(), after.count());
    assertEquals(0, before.exceptAll(after).count() + after.exceptAll(before).count());

    // The ip tool explains one proxy from the written table, in the terms it was scored by
    // (score.rank = bound here), whatever today's settings say.
    CliTest.Run ip = CliTest.run("ip", "score", "1.0.0.1:8080", "--date", DAY2, "--out",
        lake.toString());
    assertEquals(0, ip.code(), ip.err());
    assertTrue(ip.out().contains("\"score\":" + d(good2, "score")), ip.out());
    assertTrue(ip.out().contains("\"explain\":\"score " + d(good2, "score") + " = bound "
        + d(good2, "bound_score") + " = health "), ip.out());
    assertEquals(1, CliTest.run("ip", "score", "9.9.9.9", "--date", DAY2, "--out", lake.toString()).code());

    // With a one-day retirement the unlisted, never-seen proxy retires.
    assertEquals(0, score(lake, DAY2, conf, "--conf", "score.retire_after_days=1").code());
    assertEquals("retired", byEndpoint(lake, DAY2).get("2.0.0.3:3128").getAs("excluded_reason"));

    // Ranked by the record (the default): the same evidence and bound, the rate for the score.
    assertEquals(0, score(lake, DAY2, conf, "--conf", "score.rank=record").code());
    Row ranked = byEndpoint(lake, DAY2).get("1.0.0.1:8080");
    double rate = (d(ranked, "evidence_successes") + 20 * 0.5) / (d(ranked, "evidence") + 20);
    assertEquals(rate, d(ranked, "record_rate"), 1e-12);
    assertEquals(d(good2, "bound_score"), d(ranked, "bound_score"), 1e-9);
    double factors = d(ranked, "freshness") * d(ranked, "geo_factor") * d(ranked, "type_factor");
    // score.combine = mean with a latency score of 1, and no bans: the rate's weight plus 0.3.
    assertEquals(Math.round(1000 * (0.7 * rate + 0.3) * factors) / 10.0, d(ranked, "score"), 1e-9);
    assertTrue(d(ranked, "score") != d(ranked, "bound_score"));
    CliTest.Run why = CliTest.run("ip", "score", "1.0.0.1:8080", "--date", DAY2, "--out",
        lake.toString());
    assertTrue(why.out().contains("\"explain\":\"score " + d(ranked, "score")
        + " = 100 x record rate " + String.format(java.util.Locale.ROOT, "%.3f", rate)
        + " x the day's latency and bans " + String.format(java.util.Locale.ROOT, "%.3f",
            d(ranked, "score") / (100 * rate * factors))), why.out());
  }

  @Test
  void missingInventoryOrBlocklistIsExit2(@TempDir Path dir) {
    CliTest.Run r = score(dir.resolve("lake"), DAY1, List.of());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("no inventory at") && r.err().contains("run ingest first"), r.err());
    CliTest.Run b = score(dir.resolve("lake"), DAY1, List.of("--conf", "score.blocklists=/nope.netset"));
    assertEquals(2, b.code());
    assertTrue(b.err().contains("Cannot read blocklist /nope.netset"), b.err());
    assertFalse(b.err().contains("\tat "));
  }
}
