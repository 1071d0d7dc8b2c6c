package io.ippipe.common.ip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Special-purpose address classification after the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890), plus the two blocks those registries leave to the address-space
 * registries: IPv4 multicast 224.0.0.0/4 and the IPv6 space outside 2000::/3 that IANA keeps
 * "Reserved by IETF". {@code SpecialPurposeRegistryTest} parses the registry XML under
 * {@code shared/data/real/iana/} and checks that every entry there is here with the same
 * Globally Reachable value.
 *
 * <p>Lookup takes the most specific (longest) matching block. An address that matches no block
 * is {@link Entry#GLOBAL}. "Globally Reachable" values of N/A (6to4, Teredo) and the blank of
 * deprecated blocks count as not reachable: such an address is a tunnel or relay endpoint,
 * never a proxy a provider lists.
 */
public final class SpecialPurpose {

  /** One registry block. {@code label} is the short class name written to outputs. */
  public record Entry(String block, String name, String label, boolean globallyReachable,
      boolean v4Block, long hi, long lo, int prefix128) {
    public static final Entry GLOBAL =
        new Entry("", "Global unicast", "global", true, false, 0, 0, 0);

    boolean contains(long h, long l) {
      if (prefix128 == 0) {
        return true;
      }
      if (prefix128 <= 64) {
        long mask = prefix128 == 64 ? -1L : ~(-1L >>> prefix128);
        return (h & mask) == hi;
      }
      long mask = prefix128 == 128 ? -1L : ~(-1L >>> (prefix128 - 64));
      return h == hi && (l & mask) == lo;
    }

    /** "Private-Use (10.0.0.0/8)": how the entry is named in reject details. */
    public String describe() {
      return name + " (" + block + ")";
    }
  }

  private static final List<Entry> ENTRIES;

  static {
    List<Entry> e = new ArrayList<>();
    // IPv4 Special-Purpose Address Registry.
    add(e, "0.0.0.0/8", "This network", "this_network", false);
    add(e, "0.0.0.0/32", "This host on this network", "this_network", false);
    add(e, "10.0.0.0/8", "Private-Use", "private", false);
    add(e, "100.64.0.0/10", "Shared Address Space", "cgnat", false);
    add(e, "127.0.0.0/8", "Loopback", "loopback", false);
    add(e, "169.254.0.0/16", "Link Local", "link_local", false);
    add(e, "172.16.0.0/12", "Private-Use", "private", false);
    add(e, "192.0.0.0/24", "IETF Protocol Assignments", "ietf_protocol", false);
    add(e, "192.0.0.0/29", "IPv4 Service Continuity Prefix", "ietf_protocol", false);
    add(e, "192.0.0.8/32", "IPv4 dummy address", "ietf_protocol", false);
    add(e, "192.0.0.9/32", "Port Control Protocol Anycast", "anycast", true);
    add(e, "192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "anycast", true);
    add(e, "192.0.0.170/32", "NAT64/DNS64 Discovery", "nat64", false);
    add(e, "192.0.0.171/32", "NAT64/DNS64 Discovery", "nat64", false);
    add(e, "192.0.2.0/24", "Documentation (TEST-NET-1)", "documentation", false);
    add(e, "192.31.196.0/24", "AS112-v4", "anycast", true);
    add(e, "192.52.193.0/24", "AMT", "anycast", true);
    add(e, "192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "6to4", false);
    add(e, "192.168.0.0/16", "Private-Use", "private", false);
    add(e, "192.175.48.0/24", "Direct Delegation AS112 Service", "anycast", true);
    add(e, "198.18.0.0/15", "Benchmarking", "benchmarking", false);
    add(e, "198.51.100.0/24", "Documentation (TEST-NET-2)", "documentation", false);
    add(e, "203.0.113.0/24", "Documentation (TEST-NET-3)", "documentation", false);
    add(e, "240.0.0.0/4", "Reserved", "reserved", false);
    add(e, "255.255.255.255/32", "Limited Broadcast", "broadcast", false);
    // IPv4 Address Space Registry.
    add(e, "224.0.0.0/4", "Multicast", "multicast", false);
    // IPv6 Special-Purpose Address Registry.
    add(e, "::1/128", "Loopback Address", "loopback", false);
    add(e, "::/128", "Unspecified Address", "unspecified", false);
    add(e, "::ffff:0:0/96", "IPv4-mapped Address", "ipv4_mapped", false);
    add(e, "64:ff9b::/96", "IPv4-IPv6 Translat.", "nat64", true);
    add(e, "64:ff9b:1::/48", "IPv4-IPv6 Translat.", "nat64", false);
    add(e, "100::/64", "Discard-Only Address Block", "discard", false);
    add(e, "2001::/23", "IETF Protocol Assignments", "ietf_protocol", false);
    add(e, "2001::/32", "TEREDO", "teredo", false);
    add(e, "2001:1::1/128", "Port Control Protocol Anycast", "anycast", true);
    add(e, "2001:1::2/128", "Traversal Using Relays around NAT Anycast", "anycast", true);
    add(e, "2001:2::/48", "Benchmarking", "benchmarking", false);
    add(e, "2001:3::/32", "AMT", "anycast", true);
    add(e, "2001:4:112::/48", "AS112-v6", "anycast", true);
    add(e, "2001:10::/28", "Deprecated (previously ORCHID)", "ietf_protocol", false);
    add(e, "2001:20::/28", "ORCHIDv2", "ietf_protocol", true);
    add(e, "2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "ietf_protocol", true);
    add(e, "2001:db8::/32", "Documentation", "documentation", false);
    add(e, "2002::/16", "6to4", "6to4", false);
    add(e, "2620:4f:8000::/48", "Direct Delegation AS112 Service", "anycast", true);
    add(e, "fc00::/7", "Unique-Local", "unique_local", false);
    add(e, "fe80::/10", "Link-Local Unicast", "link_local", false);
    // IPv6 Address Space Registry: multicast, and everything outside global unicast 2000::/3,
    // ULA, link-local and multicast is "Reserved by IETF".
    add(e, "ff00::/8", "Multicast", "multicast", false);
    // Allocated after the registry snapshot in shared/data (2023-03-15): RFC 9637, RFC 9602.
    add(e, "3fff::/20", "Documentation", "documentation", false);
    add(e, "5f00::/16", "Segment Routing (SRv6) SIDs", "ietf_protocol", false);
    for (String reserved : new String[] {"::/3", "4000::/2", "8000::/2", "c000::/3", "e000::/4",
        "f000::/5", "f800::/6", "fe00::/9", "fec0::/10"}) {
      add(e, reserved, "Reserved by IETF", "reserved", false);
    }
    // Longest prefix first, so the first match is the most specific.
    e.sort((a, b) -> Integer.compare(b.prefix128(), a.prefix128()));
    ENTRIES = Collections.unmodifiableList(e);
  }

  private SpecialPurpose() {}

  private static void add(List<Entry> entries, String block, String name, String label,
      boolean global) {
    int slash = block.indexOf('/');
    IpAddress base = IpAddress.parse(block.substring(0, slash));
    int prefix = Integer.parseInt(block.substring(slash + 1));
    int prefix128 = block.contains(":") ? prefix : prefix + 96;
    boolean v4Block = !block.contains(":");
    entries.add(new Entry(block, name, label, global, v4Block, base.hi(), base.lo(), prefix128));
  }

  /** All blocks, most specific first. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /**
   * The most specific block holding the address, or {@link Entry#GLOBAL}. IPv4 is given in its
   * IPv4-mapped form (as {@link IpParser} produces it) and matched against the IPv4 registry.
   */
  public static Entry classify(long hi, long lo) {
    // A linear scan over ~60 entries would cost ~100 ns per row; most traffic is global unicast,
    // so the quick tests below settle it for the common case before any scan.
    boolean v4 = hi == 0 && (lo >>> 32) == 0xffffL;
    if (v4) {
      int first = (int) ((lo >>> 24) & 0xff);
      if (first != 0 && first != 10 && first != 100 && first != 127 && first != 169
          && first != 172 && first != 192 && first != 198 && first != 203 && first < 224) {
        return Entry.GLOBAL;
      }
    } else {
      int top16 = (int) (hi >>> 48);
      if ((top16 & 0xe000) == 0x2000 && top16 != 0x2001 && top16 != 0x2002 && top16 != 0x2620
          && (top16 & 0xfff0) != 0x3ff0) {
        return Entry.GLOBAL;
      }
    }
    for (Entry entry : ENTRIES) {
      if (entry.v4Block() == v4 && entry.contains(hi, lo)) {
        return entry;
      }
    }
    return Entry.GLOBAL;
  }

  public static Entry classify(IpAddress ip) {
    return classify(ip.hi(), ip.lo());
  }
}
