package io.ippipe.common.synth;

import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.geo.GeoRecords;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.SpecialPurpose;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where synthetic IPv4 proxies live: the routed address space, each announced range weighted by
 * its size, so that a day's proxies spread over as many countries and networks as real ones do
 * (and the geo cache and per-country figures see a realistic mix). From an ip-location-db ASN
 * range CSV ({@code start,end,asn,org} as numbers, {@code asn-ipv4-num.csv}); without one, the
 * {@link #fallback()} spreads them uniformly over 38 whole /8s that hold no special-purpose block.
 *
 * <p>With a geo index the ranges also know their country and whether geo calls them hosting,
 * so that a generated datacenter proxy sits in a hosting network and a residential one does not,
 * and a supplier can claim the country geo will find. Without one, both are unknown.
 */
public final class AddressSpace implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The /8s of the fallback: allocated to RIRs, none holding an IANA special-purpose block. */
  private static final int[] FALLBACK_FIRST_OCTETS = {1, 2, 3, 5, 8, 23, 24, 31, 37, 45, 46, 62,
      77, 78, 80, 81, 82, 85, 86, 88, 89, 91, 93, 94, 95, 103, 104, 109, 151, 176, 178, 185, 188,
      190, 195, 212, 213, 217};

  /** One address drawn from the space, with what the space knows about its range. */
  public record Pick(long v4, String country, Boolean hosting) {}

  /** An IPv6 /48 of 2a00::/12 that geo places in a country: where IPv6 proxies live. */
  private static final int V6_PREFIXES = 4096;
  private long[] v6Prefix48 = new long[0];
  private String[] v6Country = new String[0];

  private final String source;
  // Per network kind (0: any, 1: hosting, 2: end-user networks), the ranges of that kind with
  // the cumulative address count up to and including each: a draw is one binary search.
  private final long[][] starts;
  private final long[][] cumulative;
  private final int[][] rangeIds;
  private final short[] countryOf;
  private final String[] countries;
  private final byte[] hostingOf;

  private AddressSpace(String source, long[] start, long[] end, short[] countryOf,
      String[] countries, byte[] hostingOf) {
    this.source = source;
    this.countryOf = countryOf;
    this.countries = countries;
    this.hostingOf = hostingOf;
    this.starts = new long[3][];
    this.cumulative = new long[3][];
    this.rangeIds = new int[3][];
    for (int kind = 0; kind < 3; kind++) {
      int n = 0;
      for (int i = 0; i < start.length; i++) {
        n += ofKind(i, kind) ? 1 : 0;
      }
      // A space where geo knows no hosting (or no end-user) range draws that kind from all.
      int k = n == 0 ? 0 : kind;
      long[] s = new long[k == 0 ? start.length : n];
      long[] c = new long[s.length];
      int[] ids = new int[s.length];
      long total = 0;
      int j = 0;
      for (int i = 0; i < start.length; i++) {
        if (ofKind(i, k)) {
          total += end[i] - start[i] + 1;
          s[j] = start[i];
          c[j] = total;
          ids[j++] = i;
        }
      }
      starts[kind] = s;
      cumulative[kind] = c;
      rangeIds[kind] = ids;
    }
  }

  // Geo names hosting networks (lists of hosting ASNs) far more often than end-user ones: an
  // end-user proxy goes anywhere geo does not call hosting.
  private boolean ofKind(int range, int kind) {
    return kind == 0 || (kind == 1 ? hostingOf[range] == 1 : hostingOf[range] != 1);
  }

  /** 38 whole /8s allocated to the RIRs: neither countries nor networks known. */
  public static AddressSpace fallback() {
    int n = FALLBACK_FIRST_OCTETS.length;
    long[] start = new long[n];
    long[] end = new long[n];
    for (int i = 0; i < n; i++) {
      start[i] = (long) FALLBACK_FIRST_OCTETS[i] << 24;
      end[i] = start[i] + (1L << 24) - 1;
    }
    return new AddressSpace("fallback: " + n + " whole /8s", start, end, new short[n],
        new String[] {null}, new byte[n]);
  }

  /**
   * The ranges of an ip-location-db numeric ASN CSV ({@code start,end,asn,"org"}); with a geo
   * index, each range gets the country and hosting flag geo gives its first address. Ranges
   * that touch a special-purpose block are left out; adjacent ranges that geo annotates alike
   * are merged (the draw weighs addresses, not ranges, so this changes nothing but the size).
   */
  public static AddressSpace fromAsnCsv(Path csv, GeoIndex geo) {
    List<long[]> ranges = new ArrayList<>();
    Map<String, Short> countryIds = new LinkedHashMap<>();
    countryIds.put(null, (short) 0);
    int read = 0;
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        int a = line.indexOf(',');
        int b = a < 0 ? -1 : line.indexOf(',', a + 1);
        if (b < 0) {
          continue;
        }
        long start;
        long end;
        try {
          start = Long.parseLong(line.substring(0, a).trim());
          end = Long.parseLong(line.substring(a + 1, b).trim());
        } catch (NumberFormatException e) {
          continue;  // a header, or a line of the text-form CSV: not a range of this format
        }
        if (start < 0 || end < start || end >= (1L << 32) || !routable(start, end)) {
          continue;
        }
        read++;
        // An announced range spans several geo ranges (other cities, often other countries):
        // each piece is annotated by its own, so a supplier claims the country geo will find
        // for the very address.
        for (long from = start; from <= end; ) {
          long to = geo == null ? end : Math.min(end, geo.nextV4Start(from) - 1);
          long country = 0;
          long hosting = 0;
          if (geo != null) {
            int id = geo.lookup(0L, IpAddress.ofV4(from).lo());
            if (id >= 0) {
              GeoRecords rec = geo.records();
              country = countryIds.computeIfAbsent(rec.countryCode(id),
                  k -> (short) countryIds.size());
              String type = rec.networkType(id);
              hosting = type == null || type.equals("unknown") ? 0 : type.equals("hosting") ? 1 : 2;
            }
          }
          long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
          if (last != null && last[1] + 1 == from && last[2] == country && last[3] == hosting) {
            last[1] = to;
          } else {
            ranges.add(new long[] {from, to, country, hosting});
          }
          from = to + 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the address ranges " + csv, e);
    }
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("Invalid address ranges: " + csv
          + " holds no start,end,asn rows, expected an ip-location-db asn-ipv4-num.csv");
    }
    int n = ranges.size();
    long[] start = new long[n];
    long[] end = new long[n];
    short[] countryOf = new short[n];
    byte[] hostingOf = new byte[n];
    for (int i = 0; i < n; i++) {
      long[] r = ranges.get(i);
      start[i] = r[0];
      end[i] = r[1];
      countryOf[i] = (short) r[2];
      hostingOf[i] = (byte) r[3];
    }
    AddressSpace space = new AddressSpace(csv.getFileName() + ": " + read + " announced ranges"
        + (geo == null ? "" : ", " + (countryIds.size() - 1) + " countries from geo"),
        start, end, countryOf, countryIds.keySet().toArray(new String[0]), hostingOf);
    if (geo != null) {
      space.sampleV6(geo);
    }
    return space;
  }

  /**
   * IPv6 proxies stay in 2a00::/12 (RIPE global unicast), but in /48s geo knows, so that their
   * supplier too can claim the country geo finds. A fixed sample: the draw is deterministic.
   */
  private void sampleV6(GeoIndex geo) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(0x2a00L);
    List<Long> prefixes = new ArrayList<>();
    List<String> countries = new ArrayList<>();
    for (int attempt = 0; attempt < 20 * V6_PREFIXES && prefixes.size() < V6_PREFIXES; attempt++) {
      long hi = 0x2a00_0000_0000_0000L | ((r.nextLong() >>> 12) & 0x000f_ffff_ffff_0000L);
      int id = geo.lookup(hi, 0L);
      String country = id < 0 ? null : geo.records().countryCode(id);
      if (country != null && !country.isEmpty()) {
        prefixes.add(hi);
        countries.add(country);
      }
    }
    v6Prefix48 = prefixes.stream().mapToLong(Long::longValue).toArray();
    v6Country = countries.toArray(new String[0]);
  }

  /** Whether IPv6 proxies have known /48s to live in ({@link #v6Prefix48}). */
  public boolean knowsV6() {
    return v6Prefix48.length > 0;
  }

  /** The /48 (as the address's high 64 bits, subnet bits zero) of draw {@code i}, and its country. */
  public long v6Prefix(int i) {
    return v6Prefix48[Math.floorMod(i, v6Prefix48.length)];
  }

  public String v6Country(int i) {
    return v6Country[Math.floorMod(i, v6Country.length)];
  }

  private static boolean routable(long start, long end) {
    return SpecialPurpose.classify(IpAddress.ofV4(start)).globallyReachable()
        && SpecialPurpose.classify(IpAddress.ofV4(end)).globallyReachable();
  }

  /**
   * The address at {@code u} in [0, 1) of the space, drawn among hosting ranges ({@code
   * hosting} true), end-user ranges (false) or all (null). A special-purpose address inside a
   * range (rare: ranges are checked at both ends) moves on to the next draw of {@code next}.
   */
  public Pick pick(double u, Boolean hosting, java.util.function.DoubleSupplier next) {
    int kind = hosting == null ? 0 : hosting ? 1 : 2;
    long[] c = cumulative[kind];
    for (int attempt = 0; ; attempt++) {
      long target = Math.min(c[c.length - 1] - 1, (long) (u * c[c.length - 1]));
      int i = Arrays.binarySearch(c, target + 1);
      if (i < 0) {
        i = -i - 1;
      }
      long before = i == 0 ? 0 : c[i - 1];
      long v4 = starts[kind][i] + (target - before);
      if (SpecialPurpose.classify(IpAddress.ofV4(v4)).globallyReachable() || attempt > 20) {
        int range = rangeIds[kind][i];
        return new Pick(v4, countries[countryOf[range]],
            hostingOf[range] == 0 ? null : hostingOf[range] == 1);
      }
      u = next.getAsDouble();
    }
  }

  /** Addresses the space holds (all kinds). */
  public long size() {
    return cumulative[0][cumulative[0].length - 1];
  }

  public int ranges() {
    return starts[0].length;
  }

  /** Whether geo annotated the ranges (countries and hosting known). */
  public boolean knowsCountries() {
    return countries.length > 1;
  }

  @Override
  public String toString() {
    return source;
  }
}
