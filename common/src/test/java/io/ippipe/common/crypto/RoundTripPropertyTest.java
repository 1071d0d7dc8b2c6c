package io.ippipe.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ippipe.common.ip.IpAddress;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Random IPv4 and IPv6 addresses, every scheme: decrypt(encrypt(x)) = x, and the invariants. */
class RoundTripPropertyTest {
  private static final int N = 20_000;

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void roundTripsRandomAddresses(Scheme scheme) {
    Random random = new Random(scheme.ordinal() * 31L + 7);
    byte[] key = randomKey(random, scheme);
    // A small prefix cache, so that hits, misses and evictions all happen.
    TextCipher cached = new TextCipher(IpCiphers.create(scheme, key,
        new IpCiphers.Options(true, 64, null)), 64);
    TextCipher plain = new TextCipher(IpCiphers.create(scheme, key,
        new IpCiphers.Options(false, 0, null)), 0);
    Set<String> inputs = new HashSet<>();
    Set<String> outputs = new HashSet<>();
    for (int i = 0; i < N; i++) {
      String ip = randomAddress(random, i).toString();
      String c = cached.encrypt(ip);
      assertEquals(ip, cached.decrypt(c), scheme.id() + " " + ip);
      assertEquals(ip, plain.decrypt(c), scheme.id() + " " + ip);
      if (scheme.deterministic()) {
        assertEquals(c, plain.encrypt(ip), "cache changes nothing: " + ip);
        int version = IpAddress.parse(ip).version();
        if (scheme != Scheme.IPCRYPT_DETERMINISTIC) {
          assertEquals(version, IpAddress.parse(c).version(), "family kept: " + ip);
        }
      } else {
        assertNotEquals(c, cached.encrypt(ip), "a fresh tweak each time");
      }
      inputs.add(ip);
      outputs.add(c);
    }
    assertEquals(scheme.deterministic() ? inputs.size() : N, outputs.size(),
        "distinct inputs give distinct outputs; nd and ndx give a distinct output every time");
  }

  @ParameterizedTest
  @EnumSource(value = Scheme.class, names = {"IPCRYPT_PFX", "CRYPTOPAN"})
  void sharedPrefixesStayShared(Scheme scheme) {
    Random random = new Random(11);
    TextCipher c = new TextCipher(IpCiphers.create(scheme, randomKey(random, scheme)), 0);
    for (int i = 0; i < 5_000; i++) {
      IpAddress a = randomAddress(random, i);
      int keep = random.nextInt(a.version() == 4 ? 32 : 128);
      IpAddress b = flipBit(a, keep);
      IpAddress ea = IpAddress.parse(c.encrypt(a.toString()));
      IpAddress eb = IpAddress.parse(c.encrypt(b.toString()));
      assertEquals(commonPrefix(a, b), commonPrefix(ea, eb), a + " / " + b);
    }
  }

  static byte[] randomKey(Random random, Scheme scheme) {
    byte[] key = new byte[scheme.keyBytes()];
    random.nextBytes(key);
    return key;
  }

  /** Half IPv4, half IPv6; every 8th address shares a /24 or /64 with an earlier one. */
  static IpAddress randomAddress(Random random, int i) {
    if (i % 2 == 0) {
      long v4 = random.nextInt() & 0xffff_ffffL;
      if (i % 8 == 0) {
        v4 = (0x0a0b0c00L) | (v4 & 0xff);
      }
      return IpAddress.ofV4(v4);
    }
    long hi = i % 8 == 1 ? 0x2001_0db8_0000_0001L : random.nextLong();
    long lo = random.nextLong();
    if (hi == 0 && (lo >>> 32) == 0xffffL) {
      lo ^= 1L << 40;
    }
    return IpAddress.of(hi, lo);
  }

  /** Flips the bit after the first {@code keep} bits of the address (its own family's width). */
  static IpAddress flipBit(IpAddress a, int keep) {
    if (a.version() == 4) {
      return IpAddress.ofV4(a.v4() ^ (1L << (31 - keep)));
    }
    int pos = 127 - keep;
    IpAddress b = pos >= 64 ? IpAddress.of(a.hi() ^ (1L << (pos - 64)), a.lo())
        : IpAddress.of(a.hi(), a.lo() ^ (1L << pos));
    return b.version() == 6 ? b : flipBit(a, keep == 0 ? 1 : keep - 1);
  }

  static int commonPrefix(IpAddress a, IpAddress b) {
    if (a.version() == 4) {
      return Long.numberOfLeadingZeros((a.v4() ^ b.v4()) << 32);
    }
    long x = a.hi() ^ b.hi();
    return x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(a.lo() ^ b.lo());
  }
}
