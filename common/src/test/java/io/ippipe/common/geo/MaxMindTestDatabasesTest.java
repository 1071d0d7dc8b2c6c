package io.ippipe.common.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.TestData;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.ip.IpAddress;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every network of MaxMind's own test databases, compiled into a GeoIndex, resolves to what the
 * database's source-data JSON says: the first and the last address of each network are looked up
 * and compared with the most specific JSON network that holds them (the JSON is what the
 * database was built from; later, more specific networks override earlier ones there too).
 */
class MaxMindTestDatabasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> everyNetworkResolvesToItsSourceRecord() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String db : new String[] {"GeoIP2-City-Test", "GeoLite2-City-Test", "GeoIP2-Country-Test",
        "GeoLite2-ASN-Test", "GeoIP2-ISP-Test", "GeoIP2-Anonymous-IP-Test",
        "GeoIP2-Connection-Type-Test", "GeoIP-Residential-Proxy-Test", "GeoIP2-Enterprise-Test"}) {
      tests.add(DynamicTest.dynamicTest(db, () -> check(db)));
    }
    return tests.stream();
  }

  private record Net(IpAddress first, IpAddress last, int prefix128, GeoAttributes expected) {}

  @SuppressWarnings("unchecked")
  private static void check(String db) throws Exception {
    Path base = TestData.shared().resolve("maxmind-test-db");
    GeoSource source = MmdbSource.read(db, base.resolve("test-data/" + db + ".mmdb").toFile());
    assertTrue(source.databaseType().startsWith(db.replace("-Test", "").substring(0, 6)), source.databaseType());
    assertTrue(source.buildEpoch() > 1_000_000_000L);
    GeoIndex index = GeoIndex.compileTables(List.of(source.ranges()), a -> a);
    List<Net> nets = new ArrayList<>();
    List<Map<String, Object>> doc = JSON.readValue(base.resolve("source-data/" + db + ".json").toFile(), List.class);
    for (Map<String, Object> entry : doc) {
      for (Map.Entry<String, Object> e : entry.entrySet()) {
        nets.add(net(e.getKey(), MmdbSource.map((Map<String, Object>) e.getValue())));
      }
    }
    assertTrue(nets.size() >= 10, db + " has networks");
    int checked = 0;
    int withData = 0;
    for (Net n : nets) {
      for (IpAddress a : new IpAddress[] {n.first(), n.last()}) {
        GeoAttributes expected = reference(nets, a);
        int id = index.lookup(a.hi(), a.lo());
        GeoAttributes actual = id < 0 ? null : index.record(id);
        assertEquals(expected, actual, db + " " + a);
        checked++;
        withData += actual == null ? 0 : 1;
      }
    }
    assertTrue(checked >= 2 * nets.size());
    // Not vacuous: most lookups find a record with mapped fields.
    assertTrue(withData > checked / 3, db + ": " + withData + " of " + checked + " lookups found data");
    System.out.println(db + ": " + checked + " lookups, " + withData + " with data, index " + index);
  }

  /** The most specific network holding the address, later entries winning ties; null if empty. */
  private static GeoAttributes reference(List<Net> nets, IpAddress a) {
    Net best = null;
    for (Net n : nets) {
      if (n.first().compareTo(a) <= 0 && a.compareTo(n.last()) <= 0
          && (best == null || n.prefix128() >= best.prefix128())) {
        best = n;
      }
    }
    return best == null || best.expected().isEmpty() ? null : best.expected();
  }

  /** A JSON network; {@code ::a.b.c.d/N} (N >= 96) is IPv4 in MaxMind's IPv6 tree. */
  private static Net net(String cidr, GeoAttributes expected) {
    int slash = cidr.indexOf('/');
    IpAddress a = IpAddress.parse(cidr.substring(0, slash));
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    long hi = a.hi();
    long lo = a.lo();
    int p128 = a.version() == 4 ? prefix + 96 : prefix;
    if (a.version() == 6 && hi == 0 && (lo >>> 32) == 0 && prefix >= 96) {
      lo |= 0xffff_0000_0000L;
    }
    GeoRange r = GeoRange.ofCidr(hi, lo, p128, expected);
    return new Net(IpAddress.of(r.startHi(), r.startLo()), IpAddress.of(r.endHi(), r.endLo()), p128, expected);
  }

  @Test
  void knownRecordsCarryEveryMappedField() {
    Path base = TestData.shared().resolve("maxmind-test-db/test-data");
    GeoIndex city = GeoIndex.compileTables(List.of(MmdbSource.read("city",
        base.resolve("GeoIP2-City-Test.mmdb").toFile()).ranges()), a -> a);
    IpAddress tokyo = IpAddress.parse("2001:218::1");
    GeoAttributes jp = city.record(city.lookup(tokyo.hi(), tokyo.lo()));
    assertEquals("JP", jp.countryCode());
    assertEquals("Asia/Tokyo", jp.timeZone());
    assertEquals(35.68536, jp.latitude(), 1e-9);
    GeoIndex anon = GeoIndex.compileTables(List.of(MmdbSource.read("anon",
        base.resolve("GeoIP2-Anonymous-IP-Test.mmdb").toFile()).ranges()), a -> a);
    IpAddress tor = IpAddress.parse("1.124.213.1");
    GeoAttributes t = anon.record(anon.lookup(tor.hi(), tor.lo()));
    assertEquals(Boolean.TRUE, t.torExit());
    assertEquals(Boolean.TRUE, t.anonymousVpn());
    IpAddress mapped = IpAddress.parse("::ffff:1.124.213.1");
    assertEquals(anon.lookup(tor.hi(), tor.lo()), anon.lookup(mapped.hi(), mapped.lo()));
  }

  @Test
  void corruptOrMissingDatabasesAreConfigErrors() throws Exception {
    assertThrows(() -> MmdbSource.read("missing", new File("/nonexistent/x.mmdb")));
    List<String> accepted = new ArrayList<>();
    int files = 0;
    try (Stream<Path> bad = Files.walk(TestData.shared().resolve("maxmind-test-db/bad-data"))) {
      for (Path p : (Iterable<Path>) bad.filter(f -> f.toString().endsWith(".mmdb"))::iterator) {
        files++;
        try {
          MmdbSource.read("bad", p.toFile());
          accepted.add(p.getFileName().toString());
        } catch (ConfigException e) {
          assertTrue(e.getMessage().contains("cannot read") && e.getMessage().contains(p.toString()),
              e.getMessage());
        } catch (Throwable t) {
          fail(p + " escaped as " + t);
        }
      }
    }
    // Every deliberately corrupt database is refused, with the file named: none is taken as an
    // empty source (five of them iterate as zero networks).
    assertEquals(21, files, "bad-data files");
    assertEquals(List.of(), accepted);
  }

  private static void assertThrows(Runnable r) {
    try {
      r.run();
      fail("expected a ConfigException");
    } catch (ConfigException expected) {
      assertTrue(expected.getMessage().contains("does not exist"), expected.getMessage());
    }
  }
}
