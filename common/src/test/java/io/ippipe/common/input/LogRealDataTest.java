package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The log parsers on the real Squid and Combined logs in shared/data/real/access_logs.
 * Expected counts were read off the files with awk: lines with 10 fields, peers that are IPs.
 */
class LogRealDataTest {
  private final LogParser parser = new LogParser();

  @ParameterizedTest
  @CsvSource({
      "access_logs/beats_squid_access1.log, 100, 68",
      "access_logs/beats_squid_access2.log, 100, 1",
      "access_logs/beats_squid_access3.log, 100, 71",
      "access_logs/beats_squid_access4.log, 100, 100",
      "access_logs/plaso_squid_access.log, 8, 6"})
  void squidNative(String file, int lines, int proxiesKnown) throws Exception {
    RealFiles.Tally t = RealFiles.run(file, s -> List.of(parser.parseSquid(s)));
    assertEquals(lines, t.lines());
    assertEquals(lines, t.valid(), t.rejects().toString());
    long known = t.values().stream().filter(o -> ((GatewayRequest) o).proxyIp() != null).count();
    assertEquals(proxiesKnown, known);
    assertEquals(LogFormat.SQUID, LogFormat.detect(RealFiles.text(file).lines().limit(50).toList()));
  }

  @Test
  void squidFieldsOfARealLine() {
    GatewayRequest r = parser.parseSquid("1157689312.049   5006 10.105.21.199 TCP_MISS/200 19763 "
        + "CONNECT login.yahoo.com:443 badeyek DIRECT/209.73.177.115 -").value();
    assertEquals(Instant.parse("2006-09-08T04:21:52.049Z").toEpochMilli() * 1000, r.tsMicros());
    assertEquals("10.105.21.199", r.clientIp().toString());
    assertEquals("private", r.clientClass());
    assertEquals("209.73.177.115", r.proxyIp().toString());
    assertEquals("DIRECT", r.hierarchyCode());
    assertEquals("TCP_MISS", r.resultCode());
    assertEquals(200, r.httpStatus());
    assertEquals(5006L, r.elapsedMs());
    assertEquals(19763L, r.bytes());
    assertEquals("login.yahoo.com", r.targetHost());
    assertEquals(true, r.authenticated());
  }

  @Test
  void squidPeerThatIsNoIpKeepsTheRequestWithUnknownProxy() {
    GatewayRequest r = parser.parseSquid("1035368729.430    371 210.8.79.228 TCP_MISS/200 2136 GET "
        + "http://www.fas.harvard.edu/x.jpg - FIRST_PARENT_MISS/proxy2.syd.connect.com.au image/jpeg").value();
    assertNull(r.proxyIp());
    assertEquals("global", r.clientClass());
    GatewayRequest none = parser.parseSquid("1348870295.249  59723 192.168.0.35 TCP_MISS/503 0 "
        + "CONNECT safebrowsing.google.com:443 - DIRECT/- -").value();
    assertNull(none.proxyIp());
    assertEquals(503, none.httpStatus());
  }

  @Test
  void netdataEdgeCases() throws Exception {
    // 500 lines: 16 "Unmatched!" junk lines, 93 clients "localhost", 186 clients like
    // "2001:db8:2ce:1" (four groups, no "::": not IPv6), 205 good lines from 203.0.113.x.
    RealFiles.Tally t = RealFiles.run("access_logs/netdata_squidlog_testdata_access.log",
        s -> List.of(parser.parseSquid(s)));
    assertEquals(500, t.lines());
    assertEquals(205, t.valid());
    assertEquals(Map.of("MALFORMED_RECORD", 16, "INVALID_CLIENT_IP", 93 + 186), t.rejects());
  }

  @Test
  void extendedSquidLayoutIsNamedAsSuch() throws Exception {
    RealFiles.Tally t = RealFiles.run("access_logs/elastic_integrations_squid_access_extensive.log",
        s -> List.of(parser.parseSquid(s)));
    assertEquals(11, t.lines());
    assertEquals(Map.of("UNSUPPORTED_LAYOUT", 11), t.rejects());
  }

  @Test
  void nginxCombinedWithTrailingField() throws Exception {
    RealFiles.Tally t = RealFiles.run("access_logs/lnav_shop_access_log_nginx_combined.log",
        s -> List.of(parser.parseClf(s)));
    assertEquals(1000, t.lines());
    assertEquals(1000, t.valid(), t.rejects().toString());
    GatewayRequest first = (GatewayRequest) t.values().get(0);
    // [22/Jan/2019:03:56:14 +0330] is 00:26:14 UTC.
    assertEquals(Instant.parse("2019-01-22T00:26:14Z").toEpochMilli() * 1000, first.tsMicros());
    assertEquals("54.36.149.41", first.clientIp().toString());
    assertEquals(200, first.httpStatus());
    assertEquals(30577, first.bytes());
    assertNull(first.proxyIp());
    long clients = t.values().stream().map(o -> ((GatewayRequest) o).clientIp()).distinct().count();
    assertEquals(101, clients);
    assertEquals(LogFormat.CLF, LogFormat.detect(RealFiles.text(
        "access_logs/lnav_shop_access_log_nginx_combined.log").lines().limit(50).toList()));
  }

  @Test
  void apacheLogWithAMissingField() throws Exception {
    RealFiles.Tally t = RealFiles.run("access_logs/lnav_bad_access_log.log",
        s -> List.of(parser.parseClf(s)));
    assertEquals(3, t.lines());
    assertEquals(2, t.valid());
    assertEquals(Map.of("MALFORMED_RECORD", 1), t.rejects());
  }

  @Test
  void upstreamFieldNamesTheProxy() {
    GatewayRequest r = parser.parseClf("203.0.113.9 - cust1 [25/Nov/2026:10:00:00 +0000] "
        + "\"CONNECT api.github.com:443 HTTP/1.1\" 200 5120 \"-\" \"curl/8\" \"[2a00:1450::5]:3128\"").value();
    assertEquals("2a00:1450::5", r.proxyIp().toString());
    assertEquals(3128, r.proxyPort());
    assertEquals("api.github.com", r.targetHost());
  }
}
