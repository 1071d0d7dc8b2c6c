package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import io.ippipe.jobs.lake.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Geo inside ingest, through the CLI, on MaxMind's test databases plus a real hosting-ASN list:
 * the fields and geo_status of known addresses (inventory, the proxy and the customer of each
 * request), source priority, provenance in the metrics, and every source problem (missing,
 * corrupt, stale) exiting 2 with nothing written.
 */
class GeoTest {
  private static final String DATE = TestLakes.DATE;

  /** ../shared/data, as the surefire configuration passes it. */
  private static Path shared(String relative) {
    return Path.of(System.getProperty("ippipe.shared.data", "../../shared/data")).resolve(relative);
  }

  private static String sources() {
    Path db = shared("maxmind-test-db/test-data");
    return "geo.sources=mmdb:" + db.resolve("GeoIP2-City-Test.mmdb") + ", mmdb:"
        + db.resolve("GeoIP2-Anonymous-IP-Test.mmdb") + ", mmdb:" + db.resolve("GeoLite2-ASN-Test.mmdb")
        + ", hosting-asns:" + shared("real/datacenter/x4bnet_datacenter_ASN.txt");
  }

  /** A day's inventory and log; returns them. */
  private static List<Path> day(Path dir) throws Exception {
    Path inv = dir.resolve("in/inventory.txt");
    Files.createDirectories(inv.getParent());
    Files.writeString(inv, String.join("\n", "81.2.69.142:8080", "[2001:218::1]:3128",
        "1.124.213.1:80", "5.5.5.5:1080", "1.0.0.1:80") + "\n");
    Path log = dir.resolve("in/access.log");
    Files.writeString(log, String.join("\n",
        "1764028800.250    120 10.1.2.3 TCP_MISS/200 5120 CONNECT api.github.com:443 c1 HIER_DIRECT/81.2.69.142 -",
        "1764028801.000     15 81.2.69.142 TCP_MISS/200 300 GET http://x.com/ - HIER_DIRECT/2001:218::1 text/html",
        "1764028802.000     15 5.5.5.5 TCP_MISS/200 300 GET http://x.com/ - HIER_NONE/- text/html") + "\n");
    return List.of(inv, log);
  }

  private static CliTest.Run ingest(Path dir, Path lake, String... conf) throws Exception {
    List<Path> in = day(dir);
    return TestLakes.ingest(dir, lake, List.of(in.get(0)), List.of(in.get(1)), conf);
  }

  @Test
  void tagsKnownAddressesWithEveryFieldAndStatus(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    CliTest.Run g = ingest(dir, lake, sources(), "geo.max_age_days=0", "geo.client_detail=true");
    assertEquals(0, g.code(), g.err());
    Map<String, Row> byIp = new HashMap<>();
    for (Row r : TestLakes.table(lake, Tables.INVENTORY).collectAsList()) {
      byIp.put(r.getAs("ip"), r);
    }
    assertEquals(5, byIp.size());
    Row london = byIp.get("81.2.69.142");
    assertEquals("GB", london.getAs("country_code"));
    assertEquals("London", london.getAs("city"));
    assertEquals("England", london.getAs("region"));
    assertEquals("Europe/London", london.getAs("time_zone"));
    assertEquals(51.5142, (Double) london.getAs("latitude"), 1e-9);
    // The Anonymous-IP database flags this network as a hosting provider, hence the type.
    assertEquals("hosting", london.getAs("network_type"));
    assertEquals(Boolean.TRUE, london.getAs("is_tor_exit"));
    assertEquals("ok", london.getAs("geo_status"));
    assertEquals("JP", byIp.get("2001:218::1").getAs("country_code"));
    assertEquals("unknown", byIp.get("2001:218::1").getAs("network_type"));
    assertEquals(Boolean.TRUE, byIp.get("1.124.213.1").getAs("is_anonymous_vpn"));
    assertEquals("not_found", byIp.get("5.5.5.5").getAs("geo_status"));
    // AS15169 comes from the ASN database; the x4bnet list makes it a hosting network.
    Row google = byIp.get("1.0.0.1");
    assertEquals(15169L, (Long) google.getAs("asn"));
    assertEquals("Google Inc.", google.getAs("as_org"));
    assertEquals("hosting", google.getAs("network_type"));

    List<Row> requests = TestLakes.table(lake, Tables.REQUESTS).orderBy("ts").collectAsList();
    assertEquals(3, requests.size());
    assertEquals("special", requests.get(0).getAs("client_geo_status"));
    assertEquals("GB", requests.get(0).getAs("proxy_country_code"));
    assertEquals("London", requests.get(0).getAs("proxy_city"));
    // The customer's geo is looked up on the plaintext, before it is pseudonymised.
    assertEquals("GB", requests.get(1).getAs("client_country_code"));
    assertEquals("London", requests.get(1).getAs("client_city"));
    assertEquals("JP", requests.get(1).getAs("proxy_country_code"));
    assertTrue(requests.get(2).isNullAt(requests.get(2).fieldIndex("proxy_geo_status")),
        "no proxy address, no status");

    String metrics = Files.readString(lake.resolve("_metrics/dt=" + DATE + "/ingest.json"));
    assertTrue(metrics.contains("\"databaseType\" : \"GeoIP2-City\""), metrics);
    assertTrue(metrics.contains("\"buildEpoch\""), metrics);
    assertTrue(metrics.contains("\"client_ip\" : {\n") && metrics.contains("\"special\" : 1"),
        metrics);
  }

  @Test
  void theCustomersGeoIsCoarseUnlessAskedFor(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    assertEquals(0, ingest(dir, lake, sources(), "geo.max_age_days=0").code());
    List<Row> rows = TestLakes.table(lake, Tables.REQUESTS).orderBy("ts").collectAsList();
    Row london = rows.get(1);
    assertEquals("GB", london.getAs("client_country_code"));
    for (String quasiIdentifier : List.of("client_region", "client_city", "client_latitude",
        "client_longitude")) {
      assertTrue(london.isNullAt(london.fieldIndex(quasiIdentifier)), quasiIdentifier);
    }
    assertEquals("London", rows.get(0).getAs("proxy_city"), "the proxy's detail stays");
  }

  @Test
  void missingCorruptAndStaleSourcesExit2BeforeWriting(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    Path corrupt = shared(
        "maxmind-test-db/bad-data/maxminddb-golang/cyclic-data-structure.mmdb");
    String[][] cases = {
        {"geo.sources=mmdb:" + dir.resolve("nope.mmdb"), "does not exist"},
        {"geo.sources=mmdb:" + corrupt, "cannot read"},
        {sources(), "built"},
    };
    for (String[] c : cases) {
      CliTest.Run r = c[1].equals("built") ? ingest(dir, lake, c[0])
          : ingest(dir, lake, c[0], "geo.max_age_days=0");
      assertEquals(2, r.code(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(c[1]), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      assertFalse(Files.exists(lake), "nothing written");
    }
  }

  @Test
  void aCompiledIndexIsReusedAndGivesTheSameRows(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    Path index = dir.resolve("geo.idx");
    CliTest.Run c = CliTest.run("geo", "compile", "--out", index.toString(), "--conf", sources(),
        "--conf", "geo.max_age_days=0");
    assertEquals(0, c.code(), c.err());
    assertEquals(0, ingest(dir, lake, sources(), "geo.max_age_days=0").code());
    // ip_bytes aside: byte[] compares by identity in Row.equals.
    var direct = TestLakes.table(lake, Tables.INVENTORY).drop("ip_bytes").collectAsList();
    assertEquals(0, ingest(dir, lake, "geo.index=" + index).code());
    var reused = TestLakes.table(lake, Tables.INVENTORY).drop("ip_bytes").collectAsList();
    assertEquals(new java.util.HashSet<>(direct), new java.util.HashSet<>(reused));
    Files.writeString(index, "not an index");
    CliTest.Run bad = ingest(dir, lake, "geo.index=" + index);
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("rebuild it with ippipe geo compile"), bad.err());
  }

  @Test
  void ipGeoPrintsOneJsonLinePerInputWithTheSameFields() {
    CliTest.Run r = CliTest.run("ip", "geo", "--conf", sources(), "--conf", "geo.max_age_days=0",
        "81.2.69.142", "10.0.0.1", "5.5.5.5", "not-an-ip");
    assertEquals(1, r.code(), "an invalid input makes the exit code 1");
    String[] lines = r.out().split("\n");
    assertEquals(4, lines.length, r.out());
    assertTrue(lines[0].contains("\"country_code\":\"GB\"") && lines[0].contains("\"city\":\"London\"")
        && lines[0].contains("\"network_type\":\"hosting\"") && lines[0].endsWith("\"geo_status\":\"ok\"}"),
        lines[0]);
    assertTrue(lines[1].contains("\"geo_status\":\"special\",\"registry_entry\":\"Private-Use (10.0.0.0/8)\""), lines[1]);
    assertTrue(lines[2].endsWith("\"geo_status\":\"not_found\"}"), lines[2]);
    assertTrue(lines[3].contains("\"geo_status\":\"invalid\",\"reason\":\"HOSTNAME_NOT_IP\""), lines[3]);
  }
}
