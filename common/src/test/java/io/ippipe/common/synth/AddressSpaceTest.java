package io.ippipe.common.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.ip.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressSpaceTest {
  @Test
  void rangesAreDrawnByTheirSizeAndSpecialPurposeOnesLeftOut(@TempDir Path dir) throws Exception {
    long a = IpAddress.parse("1.0.0.0").v4();
    long b = IpAddress.parse("8.8.0.0").v4();
    long lan = IpAddress.parse("10.0.0.0").v4();
    Path csv = dir.resolve("asn-ipv4-num.csv");
    // 1.0.0.0/24 (256 addresses), 8.8.0.0/22 (1024), and a private range that must not count.
    Files.writeString(csv, a + "," + (a + 255) + ",13335,\"Cloudflare\"\n"
        + b + "," + (b + 1023) + ",15169,\"Google\"\n"
        + lan + "," + (lan + 65535) + ",1,\"private\"\nstart,end,asn,org\n");
    AddressSpace space = AddressSpace.fromAsnCsv(csv, null);
    assertEquals(2, space.ranges());
    assertEquals(1280, space.size());
    SplittableRandom r = new SplittableRandom(1);
    int inB = 0;
    for (int i = 0; i < 10_000; i++) {
      long v4 = space.pick(r.nextDouble(), null, r::nextDouble).v4();
      boolean first = v4 >= a && v4 <= a + 255;
      boolean second = v4 >= b && v4 <= b + 1023;
      assertTrue(first || second, "outside the ranges: " + IpAddress.ofV4(v4));
      inB += second ? 1 : 0;
    }
    assertEquals(0.8, inB / 10_000.0, 0.02, "8.8.0.0/22 holds 4/5 of the addresses");
  }

  @Test
  void aDaysProxiesSpreadOverManySlashEightsNotOne() {
    SyntheticData data = new SyntheticData(new SyntheticData.Params(42, 5_000, 0, 0.0, 0.0, 0.0,
        0.0, 8, 1.0, LocalDate.of(2026, 11, 25)));
    Set<Long> slash8 = new HashSet<>();
    Map<Long, Integer> perSlash8 = new HashMap<>();
    for (long i = 0; i < 5_000; i++) {
      long first = data.proxy(i).ip().v4() >>> 24;
      slash8.add(first);
      perSlash8.merge(first, 1, Integer::sum);
    }
    // Before: index >>> 24 put every proxy of a day below 16 M proxies into one /8.
    assertTrue(slash8.size() >= 30, "proxies in " + slash8.size() + " /8s");
    assertTrue(perSlash8.values().stream().max(Integer::compare).orElseThrow() < 500);
  }
}
