package io.ippipe.common.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test: our parser against seancfoley IPAddress, configured for the strict literal
 * grammar ippipe accepts, on 10^5 generated strings (valid forms and mutations of them).
 *
 * <p>Deliberate differences, excluded below: zone ids, where we accept any non-empty zone text
 * and drop it (log clients only; inventories reject zones) while IPAddress restricts the zone's
 * characters; and surrounding white space, which IPAddress trims and we reject (callers split
 * fields first; a literal with spaces in a field is a malformed field). Everything else must
 * agree: accept/reject and the canonical text.
 */
class IpParserOracleTest {
  private static final IPAddressStringParameters STRICT = strict();

  private static IPAddressStringParameters strict() {
    IPAddressStringParameters.Builder b = new IPAddressStringParameters.Builder()
        .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowPrefix(false)
        .allowMask(false).allowWildcardedSeparator(false)
        .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
        .allow_inet_aton(false);
    b.getIPv4AddressParametersBuilder()
        .allowLeadingZeros(false).allowUnlimitedLeadingZeros(false).allow_inet_aton(false)
        .allowBinary(false).allowPrefixLengthLeadingZeros(false);
    b.getIPv6AddressParametersBuilder()
        .allowLeadingZeros(true).allowUnlimitedLeadingZeros(false).allowZone(true)
        .allowBinary(false).allowMixed(true).allowPrefixLengthLeadingZeros(false);
    b.getIPv6AddressParametersBuilder().getEmbeddedIPv4AddressParametersBuilder()
        .allowLeadingZeros(false).allowUnlimitedLeadingZeros(false).allow_inet_aton(false)
        .allowBinary(false);
    return b.toParams();
  }

  @Test
  void agreesWithIpAddressOn100kStrings() {
    SplittableRandom r = new SplittableRandom(7);
    IpParser parser = new IpParser();
    List<String> disagreements = new ArrayList<>();
    int accepted = 0;
    int checked = 0;
    for (int i = 0; i < 100_000; i++) {
      String s = generate(r);
      if (s.indexOf('%') >= 0) {
        continue;
      }
      checked++;
      boolean ours = parser.parse(s);
      if (!s.equals(s.strip())) {
        if (ours) {
          disagreements.add("'" + s + "' accepted with white space");
        }
        continue;
      }
      IPAddress theirs = new IPAddressString(s, STRICT).getAddress();
      if (ours != (theirs != null)) {
        disagreements.add(s + " ours=" + ours + " oracle=" + (theirs != null));
        continue;
      }
      if (ours) {
        accepted++;
        String expected = canonical(theirs);
        String actual = IpText.format(parser.hi(), parser.lo(), parser.version());
        if (!expected.equals(actual)) {
          disagreements.add(s + " ours=" + actual + " oracle=" + expected);
        }
      }
    }
    assertTrue(disagreements.isEmpty(), disagreements.size() + " disagreements, first: "
        + disagreements.subList(0, Math.min(20, disagreements.size())));
    // The generator must exercise both sides, or agreement proves little.
    assertTrue(checked > 90_000, "checked " + checked);
    assertTrue(accepted > 20_000 && accepted < checked - 20_000, "accepted " + accepted);
  }

  @Test
  void zonesAreAcceptedAndDropped() {
    IpParser parser = new IpParser();
    assertTrue(parser.parse("fe80::1%eth0"));
    assertTrue(parser.hadZone());
    IPAddress theirs = new IPAddressString("fe80::1%eth0", STRICT).getAddress();
    assertEquals(canonical(((IPv6Address) theirs).removeZone()),
        IpText.format(parser.hi(), parser.lo(), parser.version()));
  }

  private static String canonical(IPAddress a) {
    if (a.isIPv6()) {
      IPv6Address v6 = a.toIPv6();
      if (v6.isIPv4Mapped()) {
        return v6.getEmbeddedIPv4Address().toCanonicalString();
      }
      return v6.toCanonicalString();
    }
    return a.toCanonicalString();
  }

  private static final String MUTATION_CHARS = "0123456789abcdefABCDEF:.%[]x-/ g";

  static String generate(SplittableRandom r) {
    String base;
    switch (r.nextInt(6)) {
      case 0: base = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256); break;
      case 1: base = octet(r) + "." + octet(r) + "." + octet(r) + "." + octet(r); break;
      case 2: base = v6(r, false); break;
      case 3: base = v6(r, true); break;
      case 4: base = "::ffff:" + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256); break;
      default: base = v6(r, false).toUpperCase(); break;
    }
    int mutations = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
    StringBuilder sb = new StringBuilder(base);
    for (int m = 0; m < mutations; m++) {
      int pos = sb.length() == 0 ? 0 : r.nextInt(sb.length());
      char c = MUTATION_CHARS.charAt(r.nextInt(MUTATION_CHARS.length()));
      switch (r.nextInt(3)) {
        case 0: sb.insert(pos, c); break;
        case 1: if (sb.length() > 0) { sb.deleteCharAt(pos); } break;
        default: if (sb.length() > 0) { sb.setCharAt(pos, c); } break;
      }
    }
    return sb.toString();
  }

  private static String octet(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0: return "0" + r.nextInt(100);
      case 1: return Integer.toString(r.nextInt(300));
      default: return Integer.toString(r.nextInt(256));
    }
  }

  private static String v6(SplittableRandom r, boolean mixed) {
    int groups = mixed ? 6 : 8;
    String[] g = new String[groups];
    for (int i = 0; i < groups; i++) {
      int kind = r.nextInt(4);
      g[i] = kind == 0 ? "0" : kind == 1 ? String.format("%04x", r.nextInt(65536))
          : Integer.toHexString(r.nextInt(kind == 2 ? 16 : 65536));
    }
    StringBuilder sb = new StringBuilder();
    int gapStart = r.nextInt(3) == 0 ? -1 : r.nextInt(groups);
    int gapLen = gapStart < 0 ? 0 : 1 + r.nextInt(groups - gapStart);
    for (int i = 0; i < groups; i++) {
      if (i == gapStart) {
        sb.append("::");
        i += gapLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(g[i]);
    }
    if (mixed) {
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(r.nextInt(256)).append('.').append(r.nextInt(256)).append('.')
          .append(r.nextInt(256)).append('.').append(r.nextInt(256));
    }
    return sb.toString();
  }
}
