package io.ippipe.common.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ippipe.common.ip.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeoIndexTest {
  private static GeoAttributes country(String cc) {
    return GeoAttributes.builder().countryCode(cc).build();
  }

  private static GeoRange v4(String first, String last, GeoAttributes a) {
    IpAddress f = IpAddress.parse(first);
    IpAddress l = IpAddress.parse(last);
    return new GeoRange(f.hi(), f.lo(), l.hi(), l.lo(), a);
  }

  private static GeoAttributes at(GeoIndex index, String ip) {
    IpAddress a = IpAddress.parse(ip);
    int id = index.lookup(a.hi(), a.lo());
    return id < 0 ? null : index.record(id);
  }

  /**
   * The cache answers exactly what the index does: 200 000 lookups over a few thousand repeated
   * v4 and v6 addresses (so slots are hit, and also overwritten by colliding addresses), with
   * found, not found and special-purpose answers.
   */
  @Test
  void tagCacheAnswersWhatTheIndexAnswers() {
    List<GeoRange> ranges = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ranges.add(v4(i + ".0.0.0", i + ".0.127.255", country("C" + i)));
    }
    ranges.add(new GeoRange(0x2001_0db8_0000_0000L, 0, 0x2a00_0000_0000_0000L, -1, country("V6")));
    GeoIndex index = GeoIndex.compile(List.of(ranges), a -> a);
    TagCache cache = new TagCache(index);
    Random random = new Random(5);
    long[][] addresses = new long[50_000][];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = random.nextInt(4) == 0
          ? new long[] {0x2a00_0000_0000_0000L - ((long) random.nextInt(1 << 20) << 16), random.nextLong()}
          : new long[] {0, 0xffff_0000_0000L | (random.nextInt(256) << 24) | random.nextInt(1 << 16)};
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      long[] a = addresses[(int) Math.abs(random.nextGaussian() * 2_000) % addresses.length];
      int expected = index.tag(a[0], a[1]);
      assertEquals(expected, cache.tag(a[0], a[1]), "lookup " + i);
      seen.add(expected >= 0 ? "found" : expected == GeoIndex.SPECIAL ? "special" : "not_found");
    }
    assertEquals(java.util.Set.of("found", "not_found", "special"), seen);
    org.junit.jupiter.api.Assertions.assertTrue(cache.hitRate() > 0.5 && cache.hitRate() < 1,
        "hits and misses both happened: " + cache.hitRate());
  }

  @Test
  void firstAndLastAddressesAdjacentRangesAndGaps() {
    GeoIndex index = GeoIndex.compile(List.of(List.of(
        v4("1.0.0.0", "1.0.0.255", country("AU")), v4("1.0.1.0", "1.0.1.255", country("CN")),
        v4("1.0.3.0", "1.0.3.0", country("JP")))), a -> a);
    assertNull(at(index, "0.255.255.255"));
    assertEquals("AU", at(index, "1.0.0.0").countryCode());
    assertEquals("AU", at(index, "1.0.0.255").countryCode());
    assertEquals("CN", at(index, "1.0.1.0").countryCode());
    assertEquals("CN", at(index, "::ffff:1.0.1.255").countryCode(), "IPv4-mapped input");
    assertNull(at(index, "1.0.2.0"));
    assertEquals("JP", at(index, "1.0.3.0").countryCode());
    assertNull(at(index, "1.0.3.1"));
  }

  @Test
  void nestedRangesInOneSourceResolveToTheMostSpecific() {
    GeoIndex index = GeoIndex.compile(List.of(List.of(
        v4("10.0.0.0", "10.255.255.255", country("AA")), v4("10.1.0.0", "10.1.255.255", country("BB")),
        v4("10.1.2.0", "10.1.2.255", country("CC")))), a -> a);
    assertEquals("AA", at(index, "10.0.255.255").countryCode());
    assertEquals("BB", at(index, "10.1.1.255").countryCode());
    assertEquals("CC", at(index, "10.1.2.7").countryCode());
    assertEquals("BB", at(index, "10.1.3.0").countryCode());
    assertEquals("AA", at(index, "10.2.0.0").countryCode());
    assertEquals("AA", at(index, "10.255.255.255").countryCode());
    assertEquals(5, index.rangeCount());
  }

  @Test
  void rangesSpanningTheIpv4MappedBlockAndTheEndOfTheSpace() {
    GeoAttributes all = country("ZZ");
    GeoIndex index = GeoIndex.compile(List.of(List.of(new GeoRange(0, 0, -1, -1, all))), a -> a);
    for (String ip : new String[] {"::", "::fffe:ffff:ffff", "0.0.0.0", "255.255.255.255",
        "::1:0:0:0", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
      assertEquals("ZZ", at(index, ip).countryCode(), ip);
    }
    assertEquals(1, index.v4RangeCount());
    assertEquals(3, index.rangeCount(), "split into before, IPv4 and after");
  }

  /**
   * Random overlapping ranges in three sources over one /24, against a direct reading of the
   * rules: per field, the first source whose covering range has it; within a source, the
   * covering range with the latest start, then the shortest, then the one listed last.
   */
  @Test
  void randomOverlapsMatchTheRules() {
    Random random = new Random(3);
    for (int round = 0; round < 300; round++) {
      List<List<GeoRange>> sources = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        List<GeoRange> ranges = new ArrayList<>();
        for (int k = 0; k < 1 + random.nextInt(8); k++) {
          int a = random.nextInt(256);
          int b = Math.min(255, a + random.nextInt(64));
          GeoAttributes.Builder attrs = GeoAttributes.builder();
          if (random.nextBoolean()) {
            attrs.countryCode("C" + s + k);
          }
          if (random.nextBoolean()) {
            attrs.asn((long) (100 * s + k));
          }
          ranges.add(v4("10.0.0." + a, "10.0.0." + b, attrs.build()));
        }
        sources.add(ranges);
      }
      GeoIndex index = GeoIndex.compile(sources, x -> x);
      for (int ip = 0; ip < 256; ip++) {
        GeoAttributes expected = null;
        for (int s = sources.size() - 1; s >= 0; s--) {
          GeoRange best = null;
          for (GeoRange r : sources.get(s)) {
            long v = IpAddress.parse("10.0.0." + ip).lo();
            if (Long.compareUnsigned(r.startLo(), v) <= 0 && Long.compareUnsigned(v, r.endLo()) <= 0
                && (best == null || r.startLo() > best.startLo()
                    || (r.startLo() == best.startLo() && r.endLo() <= best.endLo()))) {
              best = r;
            }
          }
          if (best != null) {
            expected = expected == null ? best.attributes() : best.attributes().overlay(expected);
          }
        }
        if (expected != null && expected.isEmpty()) {
          expected = null;
        }
        assertEquals(expected, at(index, "10.0.0." + ip), "round " + round + " ip " + ip);
      }
    }
  }

  /**
   * IPv6 starts on and off /64 boundaries (the index keeps the two kinds in separate tables):
   * disjoint random ranges over a few /64s, every start, end and neighbour checked against a
   * linear scan, with coordinates and flags surviving the column-wise records.
   */
  @Test
  void ipv6StartsOnAndOffSlash64BoundariesAndRecordColumns() {
    Random random = new Random(11);
    for (int round = 0; round < 200; round++) {
      List<GeoRange> ranges = new ArrayList<>();
      long hi = 0x2001_0db8_0000_0000L;
      long lo = 0;
      for (int k = 0; k < 1 + random.nextInt(12); k++) {
        // Gap, then a range that starts on a /64 boundary or inside one, ends anywhere.
        if (random.nextBoolean()) {
          // Sometimes into another /32: the index groups /64 starts by their top 32 bits.
          hi += random.nextInt(3) == 0 ? (1L << 32) * (1 + random.nextInt(3)) : 1 + random.nextInt(3);
          lo = random.nextBoolean() ? 0 : random.nextLong() >>> 1;
        } else {
          lo += 1 + random.nextInt(1000);
        }
        long endHi = hi;
        long endLo = random.nextBoolean() ? -1L : lo + random.nextInt(1000);
        GeoAttributes a = GeoAttributes.builder().countryCode("R" + k)
            .latitude(random.nextInt(180_000_000) / 1e6 - 90).longitude(k * 1.5)
            .asn((long) k).torExit(random.nextBoolean() ? null : random.nextBoolean()).build();
        ranges.add(new GeoRange(hi, lo, endHi, endLo, a));
        if (endLo == -1L) {
          hi = endHi + 1;
          lo = 0;
        } else {
          lo = endLo + 1;
        }
      }
      GeoIndex index = GeoIndex.compile(List.of(ranges), x -> x);
      for (GeoRange r : ranges) {
        long[][] probes = {{r.startHi(), r.startLo()}, {r.endHi(), r.endLo()},
            {r.startHi(), r.startLo() - 1}, {r.endHi(), r.endLo() + 1}, {r.startHi() - 1, -1L},
            {(r.startHi() & 0xffff_ffff_0000_0000L) - 1, 0}, {r.endHi() | 0xffff_ffffL, 5}};
        for (long[] p : probes) {
          GeoAttributes expected = null;
          for (GeoRange q : ranges) {
            if (GeoRange.compare(q.startHi(), q.startLo(), p[0], p[1]) <= 0
                && GeoRange.compare(p[0], p[1], q.endHi(), q.endLo()) <= 0) {
              expected = q.attributes();
            }
          }
          int id = index.lookup(p[0], p[1]);
          assertEquals(expected, id < 0 ? null : index.record(id),
              "round " + round + " at " + Long.toHexString(p[0]) + ":" + Long.toHexString(p[1]));
        }
      }
    }
  }
}
