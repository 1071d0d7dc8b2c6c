package io.ippipe.bench;

import inet.ipaddr.IPAddressString;
import io.ippipe.common.ip.IpParser;
import java.net.InetAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * IP literal parsing, ns per address: ippipe's parser against InetAddress (literals only, so it
 * never resolves) and seancfoley IPAddress. Each call parses 1024 varied addresses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class IpParseBenchmark {
  @Param({"v4", "v6"})
  public String family;

  private String[] inputs;
  private final IpParser parser = new IpParser();

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    inputs = new String[1024];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = family.equals("v4")
          ? (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256)
          : String.format("2a00:%x:%x::%x:%x", r.nextInt(65536), r.nextInt(65536), r.nextInt(65536), r.nextInt(65536));
    }
  }

  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(1024)
  public void ippipe(Blackhole bh) {
    for (String s : inputs) {
      bh.consume(parser.parse(s));
      bh.consume(parser.lo());
    }
  }

  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(1024)
  public void inetAddress(Blackhole bh) throws Exception {
    for (String s : inputs) {
      bh.consume(InetAddress.getByName(s));
    }
  }

  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(1024)
  public void ipAddressLibrary(Blackhole bh) {
    for (String s : inputs) {
      bh.consume(new IPAddressString(s).getAddress());
    }
  }
}
