package io.ippipe.common.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The code's special-purpose table against IANA's registry XML in shared/data/real/iana. */
class SpecialPurposeRegistryTest {

  /** address block -> Globally Reachable ("True", "False", "N/A" or "" when absent). */
  static Map<String, String> registry(String file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    Document doc = f.newDocumentBuilder().parse(TestData.real("iana").resolve(file).toFile());
    Map<String, String> out = new TreeMap<>();
    NodeList records = doc.getElementsByTagName("record");
    for (int i = 0; i < records.getLength(); i++) {
      Element r = (Element) records.item(i);
      NodeList global = r.getElementsByTagName("global");
      // Footnote <xref>s sit inside the value; the value is the element's own text.
      String value = global.getLength() == 0 ? "" : ownText((Element) global.item(0));
      NodeList addresses = r.getElementsByTagName("address");
      for (String block : ownText((Element) addresses.item(0)).split(",")) {
        out.put(block.strip(), value);
      }
    }
    return out;
  }

  private static String ownText(Element e) {
    StringBuilder sb = new StringBuilder();
    NodeList children = e.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeType() == org.w3c.dom.Node.TEXT_NODE) {
        sb.append(children.item(i).getNodeValue());
      }
    }
    return sb.toString().strip();
  }

  @ParameterizedTest
  @CsvSource({"iana-ipv4-special-registry.xml, 25", "iana-ipv6-special-registry.xml, 21"})
  void everyRegistryEntryIsInTheTableWithItsReachability(String file, int expectedBlocks) throws Exception {
    Map<String, String> registry = registry(file);
    assertEquals(expectedBlocks, registry.size(), registry.keySet().toString());
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, String> e : registry.entrySet()) {
      SpecialPurpose.Entry entry = SpecialPurpose.entries().stream()
          .filter(x -> x.block().equals(e.getKey())).findFirst().orElse(null);
      if (entry == null) {
        mismatches.add(e.getKey() + " missing");
        continue;
      }
      // "True" is reachable; "False", "N/A" (6to4, Teredo) and blank (deprecated) are not.
      boolean expected = e.getValue().equals("True");
      if (entry.globallyReachable() != expected) {
        mismatches.add(e.getKey() + " global=" + entry.globallyReachable() + " registry=" + e.getValue());
      }
      // The block's first and last address classify as this entry or a more specific one.
      for (IpAddress end : List.of(IpAddress.of(entry.hi(), entry.lo()), last(entry))) {
        SpecialPurpose.Entry got = SpecialPurpose.classify(end);
        if (got.prefix128() < entry.prefix128()) {
          mismatches.add(e.getKey() + ": " + end + " classifies as " + got.block());
        }
      }
    }
    assertTrue(mismatches.isEmpty(), mismatches.toString());
  }

  /** The block's last address: every host bit set. */
  private static IpAddress last(SpecialPurpose.Entry e) {
    int p = e.prefix128();
    long hostHi = p >= 64 ? 0 : (p == 0 ? -1L : -1L >>> p);
    long hostLo = p <= 64 ? -1L : (p == 128 ? 0 : -1L >>> (p - 64));
    return IpAddress.of(e.hi() | hostHi, e.lo() | hostLo);
  }

  @ParameterizedTest
  @CsvSource({
      "8.8.8.8, global, true", "10.1.2.3, private, false", "100.64.0.1, cgnat, false",
      "100.128.0.1, global, true", "127.0.0.1, loopback, false", "169.254.1.1, link_local, false",
      "172.31.255.255, private, false", "172.32.0.0, global, true", "192.0.0.9, anycast, true",
      "192.0.0.8, ietf_protocol, false", "192.0.2.1, documentation, false",
      "198.19.255.255, benchmarking, false", "224.0.0.1, multicast, false",
      "240.0.0.1, reserved, false", "255.255.255.255, broadcast, false",
      "0.1.2.3, this_network, false", "::1, loopback, false", "::, unspecified, false",
      "2001:db8::1, documentation, false", "2002:c000:204::1, 6to4, false",
      "2001:0:4136:e378::1, teredo, false", "fc00::1, unique_local, false",
      "fe80::1, link_local, false", "ff02::1, multicast, false", "2a00:1450::1, global, true",
      "64:ff9b::808:808, nat64, true", "4000::1, reserved, false", "::1.2.3.4, reserved, false",
      "3fff::1, documentation, false", "2620:4f:8000::1, anycast, true"})
  void classifies(String ip, String label, boolean global) {
    SpecialPurpose.Entry e = SpecialPurpose.classify(IpAddress.parse(ip));
    assertEquals(label, e.label(), ip);
    assertEquals(global, e.globallyReachable(), ip);
  }

  @Test
  void firstAndLastAddressOfABlock() {
    assertEquals("private", SpecialPurpose.classify(IpAddress.parse("10.0.0.0")).label());
    assertEquals("private", SpecialPurpose.classify(IpAddress.parse("10.255.255.255")).label());
    assertEquals("global", SpecialPurpose.classify(IpAddress.parse("11.0.0.0")).label());
    assertEquals("global", SpecialPurpose.classify(IpAddress.parse("9.255.255.255")).label());
    assertFalse(SpecialPurpose.classify(IpAddress.parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).globallyReachable());
    assertTrue(SpecialPurpose.classify(IpAddress.parse("2001:db9::")).globallyReachable());
  }
}
