package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The inventory parsers on the real lists in shared/data/real/proxy_inventory. Expected counts
 * come from reading the files (see MANIFEST.md and the notes beside each test).
 */
class InventoryRealDataTest {
  private final InventoryParser parser = new InventoryParser(ProxyProtocol.HTTP);

  @Test
  void plainList() throws Exception {
    // 318 lines of a.b.c.d:port, last one without a newline; all public addresses.
    RealFiles.Tally t = RealFiles.run("proxy_inventory/monosans_http_plain.txt",
        s -> List.of(parser.parsePlain(s)));
    assertEquals(318, t.lines());
    assertEquals(318, t.valid());
    ProxyEndpoint first = (ProxyEndpoint) t.values().get(0);
    assertEquals("85.8.47.198", first.ip().toString());
    assertEquals(7080, first.port());
    assertEquals(ProxyProtocol.HTTP, first.protocol());
    assertEquals(InventoryFormat.PLAIN, InventoryFormat.detect(RealFiles.text(
        "proxy_inventory/monosans_http_plain.txt").lines().limit(50).toList()));
  }

  @Test
  void schemeUrls() throws Exception {
    // 492 URLs: 318 http, 95 socks4, 79 socks5; 469 distinct host:port (21 listed under two or
    // three protocols, `sed "s|.*://||" | sort -u | wc -l`).
    RealFiles.Tally t = RealFiles.run("proxy_inventory/monosans_all_scheme.txt",
        s -> List.of(parser.parseUrl(s)));
    assertEquals(492, t.lines());
    assertEquals(492, t.valid());
    Map<ProxyProtocol, Long> byProtocol = new java.util.EnumMap<>(ProxyProtocol.class);
    Set<String> hostPorts = new HashSet<>();
    for (Object o : t.values()) {
      ProxyEndpoint e = (ProxyEndpoint) o;
      byProtocol.merge(e.protocol(), 1L, Long::sum);
      hostPorts.add(e.ip() + ":" + e.port());
    }
    assertEquals(Map.of(ProxyProtocol.HTTP, 318L, ProxyProtocol.SOCKS4, 95L, ProxyProtocol.SOCKS5, 79L), byProtocol);
    assertEquals(469, hostPorts.size());
    assertEquals(InventoryFormat.URL, InventoryFormat.detect(RealFiles.text(
        "proxy_inventory/monosans_all_scheme.txt").lines().limit(50).toList()));
  }

  @Test
  void spysStatusList() throws Exception {
    // 408 lines: 5 banner lines, a blank line, 400 proxies, a CR-only line and a footer banner.
    RealFiles.Tally t = RealFiles.run("proxy_inventory/clarketm_proxy-list_status_format.txt",
        s -> List.of(parser.parseStatus(s)));
    assertEquals(408, t.lines());
    assertEquals(400, t.valid());
    assertEquals(Map.of("HEADER_OR_COMMENT", 6, "BLANK_LINE", 2), t.rejects());
    ProxyEndpoint first = (ProxyEndpoint) t.values().get(0);
    // "170.239.207.241:999 CO-N-S! +"
    assertEquals("170.239.207.241", first.ip().toString());
    assertEquals("CO", first.claimedCountry());
    assertEquals("transparent", first.anonymity());
    assertEquals(ProxyProtocol.HTTPS, first.protocol());
    long https = t.values().stream().filter(o -> ((ProxyEndpoint) o).protocol() == ProxyProtocol.HTTPS).count();
    assertEquals(95, https);
    assertEquals(InventoryFormat.STATUS, InventoryFormat.detect(RealFiles.text(
        "proxy_inventory/clarketm_proxy-list_status_format.txt").lines().limit(50).toList()));
  }

  @Test
  void livenessStatusList() throws Exception {
    // 400 "ip:port => success|failure" lines, then "SUCCESS rate:" / "FAILURE rate:" and blanks.
    RealFiles.Tally t = RealFiles.run("proxy_inventory/clarketm_proxy-list-status.txt",
        s -> List.of(parser.parseStatus(s)));
    assertEquals(404, t.lines());
    assertEquals(400, t.valid());
    assertEquals(Map.of("HEADER_OR_COMMENT", 2, "BLANK_LINE", 2), t.rejects());
  }

  @Test
  void jsonArrayOfMaxMindShapedRecords() throws Exception {
    // One line holding a JSON array of 492 objects; country from geolocation.country.iso_code.
    RealFiles.Tally t = RealFiles.run("proxy_inventory/monosans_proxies.json", parser::parseJson);
    assertEquals(1, t.lines());
    assertEquals(492, t.valid());
    ProxyEndpoint first = (ProxyEndpoint) t.values().get(0);
    assertEquals("144.31.222.106", first.ip().toString());
    assertEquals(7890, first.port());
    assertEquals(ProxyProtocol.SOCKS4, first.protocol());
    assertEquals("RU", first.claimedCountry());
    assertFalse(t.values().stream().anyMatch(o -> ((ProxyEndpoint) o).hasCredentials()));
    assertEquals(InventoryFormat.JSONL, InventoryFormat.detect(List.of(
        RealFiles.text("proxy_inventory/monosans_proxies.json").substring(0, 200))));
  }
}
