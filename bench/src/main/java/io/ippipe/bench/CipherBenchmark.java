package io.ippipe.bench;

import io.ippipe.common.crypto.IpCipher;
import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.TextCipher;
import io.ippipe.common.ip.IpText;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Address encryption, ns per address, single thread, against one raw AES block. Addresses are
 * log-like: 200 000 hosts (a large proxy pool) with Zipf(1)-like popularity, spread over 5 000
 * /24s (IPv4) or /64s (IPv6), the prefix locality that proxy gateway logs have; "uniform" draws
 * every address at random, the worst case for the caches. Each invocation takes the next 4096
 * of a stream of 2^20 addresses, so the caches (16 384 slots) never see the stream repeat
 * within their reach.
 *
 * <p>Variants: {@code aes-block} one block through a reused Cipher; {@code aes-1024} 1024 blocks
 * per call (per block); {@code aes-cipher-per-row} Cipher.getInstance + init for every address,
 * the anti-pattern; {@code *-textbook} one AES call per bit and no cache; {@code *-batched} all
 * blocks of an address in one call, no cache; {@code *-cached} batched plus the prefix cache (the
 * default); {@code text-*} the full column path: parse, encrypt, format, result cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// A 64 MB young generation: with the JVM's default (a quarter of 24 GiB) the text variants
// never collect and keep allocating into never-touched pages, which made them 5x slower and
// grow slower each iteration; a Spark executor's young generation is reused all the time.
@Fork(value = 1, jvmArgsAppend = "-Xmn64m")
@State(Scope.Thread)
public class CipherBenchmark {
  private static final int N = 4096;
  private static final int STREAM = 1 << 20;
  private static final int HOSTS = 200_000;

  @Param({"aes-block", "aes-1024", "aes-cipher-per-row", "deterministic", "pfx-textbook",
      "pfx-batched", "pfx-cached", "nd", "ndx", "cryptopan-textbook", "cryptopan-batched",
      "cryptopan-cached", "text-deterministic", "text-pfx"})
  public String variant;

  @Param({"v4-log", "v6-log", "v4-uniform"})
  public String traffic;

  private byte[][] addresses;
  private String[] texts;
  private int cursor;
  private byte[] flat;
  private byte[] flatOut;
  private byte[] out = new byte[32];
  private IpCipher cipher;
  private TextCipher text;
  private Cipher aes;
  private byte[] key16;

  @Setup
  public void setup() throws Exception {
    SplittableRandom r = new SplittableRandom(42);
    addresses = new byte[STREAM][];
    texts = new String[STREAM];
    flat = new byte[16 * N];
    flatOut = new byte[16 * N];
    long[] subnets = new long[5000];
    for (int i = 0; i < subnets.length; i++) {
      subnets[i] = traffic.startsWith("v6")
          ? 0x2a00_0000_0000_0000L | ((long) r.nextInt(40) << 16 << 16) | ((long) r.nextInt(1 << 16))
          : ((long) (24 + r.nextInt(40)) << 24) | ((long) r.nextInt(256) << 16) | ((long) r.nextInt(256) << 8);
    }
    for (int i = 0; i < STREAM; i++) {
      // Zipf(1)-like popularity over the hosts by inversion: rank = HOSTS^u.
      int rank = (int) Math.floor(Math.pow(HOSTS, r.nextDouble()));
      SplittableRandom host = new SplittableRandom(rank);
      long subnet = subnets[host.nextInt(subnets.length)];
      long hi;
      long lo;
      if (traffic.equals("v4-uniform")) {
        hi = 0;
        lo = 0xffff_0000_0000L | (r.nextInt() & 0xffff_ffffL);
      } else if (traffic.startsWith("v6")) {
        hi = subnet;
        lo = host.nextLong();
      } else {
        hi = 0;
        lo = 0xffff_0000_0000L | subnet | host.nextInt(256);
      }
      addresses[i] = IpText.toBytes(hi, lo);
      if (i < N) {
        System.arraycopy(addresses[i], 0, flat, 16 * i, 16);
      }
      texts[i] = IpText.format(hi, lo, traffic.startsWith("v6") ? 6 : 4);
    }
    key16 = new byte[16];
    byte[] key32 = new byte[32];
    r.nextBytes(key16);
    r.nextBytes(key32);
    aes = Cipher.getInstance("AES/ECB/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key16, "AES"));
    IpCiphers.Options cached = new IpCiphers.Options(true, IpCiphers.DEFAULT_PREFIX_CACHE, null);
    switch (variant) {
      case "deterministic" -> cipher = IpCiphers.create(Scheme.IPCRYPT_DETERMINISTIC, key16);
      case "pfx-textbook" -> cipher = IpCiphers.create(Scheme.IPCRYPT_PFX, key32, new IpCiphers.Options(false, 0, null));
      case "pfx-batched" -> cipher = IpCiphers.create(Scheme.IPCRYPT_PFX, key32, new IpCiphers.Options(true, 0, null));
      case "pfx-cached" -> cipher = IpCiphers.create(Scheme.IPCRYPT_PFX, key32, cached);
      case "nd" -> cipher = IpCiphers.create(Scheme.IPCRYPT_ND, key16);
      case "ndx" -> cipher = IpCiphers.create(Scheme.IPCRYPT_NDX, key32);
      case "cryptopan-textbook" -> cipher = IpCiphers.create(Scheme.CRYPTOPAN, key32, new IpCiphers.Options(false, 0, null));
      case "cryptopan-batched" -> cipher = IpCiphers.create(Scheme.CRYPTOPAN, key32, new IpCiphers.Options(true, 0, null));
      case "cryptopan-cached" -> cipher = IpCiphers.create(Scheme.CRYPTOPAN, key32, cached);
      case "text-deterministic" -> text = new TextCipher(IpCiphers.create(Scheme.IPCRYPT_DETERMINISTIC, key16), 16384);
      case "text-pfx" -> text = new TextCipher(IpCiphers.create(Scheme.IPCRYPT_PFX, key32, cached), 16384);
      default -> { }
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void encrypt(Blackhole bh) throws Exception {
    int base = cursor;
    cursor = (cursor + N) & (STREAM - 1);
    switch (variant) {
      case "aes-block" -> {
        for (int i = 0; i < N; i++) {
          aes.update(addresses[base + i], 0, 16, out, 0);
          bh.consume(out[0]);
        }
      }
      case "aes-1024" -> {
        for (int i = 0; i < N; i += 1024) {
          aes.update(flat, 16 * i, 16 * 1024, flatOut, 16 * i);
        }
        bh.consume(flatOut[5]);
      }
      case "aes-cipher-per-row" -> {
        for (int i = 0; i < N; i++) {
          Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
          c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key16, "AES"));
          c.doFinal(addresses[base + i], 0, 16, out, 0);
          bh.consume(out[0]);
        }
      }
      case "text-deterministic", "text-pfx" -> {
        for (int i = 0; i < N; i++) {
          bh.consume(text.encrypt(texts[base + i]));
        }
      }
      default -> {
        for (int i = 0; i < N; i++) {
          cipher.encrypt(addresses[base + i], out);
          bh.consume(out[0]);
        }
      }
    }
  }
}
