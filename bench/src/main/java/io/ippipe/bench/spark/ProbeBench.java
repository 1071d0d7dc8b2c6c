package io.ippipe.bench.spark;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.probe.JudgeServer;
import io.ippipe.common.probe.ProbeOutcome;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeSettings;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.ProxyChecker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * scripts/bench.sh probe: the checker against a farm of loopback endpoints in this JVM, at
 * several concurrencies. Each farm port is an HTTP forward proxy that answers as the judge
 * itself after --latency-ms (scheduled on its event loop, no thread sleeps): one connection per
 * check, and the wait a real proxy and judge would add. Prints checks per second, p50 and p99
 * check time, the most checks seen in flight, and the threads the checker used.
 */
public final class ProbeBench {
  /** The farm judges and the checker share a key made up for the run, as a real pair would. */
  private static final io.ippipe.common.probe.JudgeKey KEY = io.ippipe.common.probe.JudgeKey.of(
      new java.security.SecureRandom().generateSeed(32));
  private ProbeBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>(Map.of("--endpoints", "10000",
        "--latency-ms", "50", "--concurrency", "1,64,512", "--checks-at-1", "200"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!a.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + a.keySet());
      }
      a.put(args[i], args[i + 1]);
    }
    int endpoints = Integer.parseInt(a.get("--endpoints"));
    int latency = Integer.parseInt(a.get("--latency-ms"));
    int[] levels = Arrays.stream(a.get("--concurrency").split(",")).mapToInt(Integer::parseInt).toArray();
    int atOne = Integer.parseInt(a.get("--checks-at-1"));

    EventLoopGroup farmGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-farm", true));
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    List<Channel> farm = new ArrayList<>();
    ServerBootstrap server = new ServerBootstrap().group(farmGroup).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new ProxyAndJudge(latency));
          }
        });
    long bindStart = System.nanoTime();
    for (int i = 0; i < endpoints; i++) {
      farm.add(server.bind("127.0.0.1", 0).sync().channel());
    }
    System.out.printf("farm: %,d loopback endpoints bound in %.1f s, answering after %d ms%n",
        endpoints, (System.nanoTime() - bindStart) / 1e9, latency);

    System.out.println("| concurrency | checks | ok | wall s | checks/s | p50 ms | p99 ms | max in flight | checker threads |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int c : levels) {
      int n = c == 1 ? Math.min(atOne, endpoints) : endpoints;
      List<ProbeTarget> targets = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int port = ((InetSocketAddress) farm.get(i % farm.size()).localAddress()).getPort();
        targets.add(new ProbeTarget("127.0.0.1", port, ProxyProtocol.HTTP, "bench"));
      }
      // Every endpoint shares 127.0.0.1, so the per-host cap is lifted to the concurrency.
      ProbeSettings settings = ProbeSettings.of("http://127.0.0.1:9/judge", 5000, 5000, 30000, 0, c,
          c, c, 0, java.util.Set.of(), io.ippipe.common.ip.Networks.parse("127.0.0.0/8"), KEY);
      ProxyChecker checker = new ProxyChecker(settings, ProxyChecker.sharedGroup(1));
      maxOpen.set(0);
      long start = System.nanoTime();
      List<ProbeResult> results = checker.checkAll(targets.iterator());
      double wall = (System.nanoTime() - start) / 1e9;
      double[] ms = results.stream().mapToDouble(ProbeResult::totalMs).sorted().toArray();
      Map<ProbeOutcome, Integer> outcomes = new EnumMap<>(ProbeOutcome.class);
      results.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
      long threads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("ippipe-probe")).count();
      System.out.printf("| %d | %,d | %,d | %.1f | %,.0f | %.1f | %.1f | %d | %d event loop + 1 feeding |%n",
          c, results.size(), outcomes.getOrDefault(ProbeOutcome.OK, 0), wall, results.size() / wall,
          ms[ms.length / 2], ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)],
          maxOpen.get(), threads);
      if (outcomes.getOrDefault(ProbeOutcome.OK, 0) != results.size()) {
        System.out.println("  outcomes: " + outcomes);
      }
    }
    for (Channel ch : farm) {
      ch.close();
    }
    farmGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A forward proxy that is also the judge: answers the marker after the configured wait. */
  private static final class ProxyAndJudge extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int latencyMs;

    ProxyAndJudge(int latencyMs) {
      this.latencyMs = latencyMs;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpResponse resp = JudgeServer.answer(ctx, req, "/judge", KEY);
      ctx.executor().schedule(
          () -> ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE),
          latencyMs, TimeUnit.MILLISECONDS);
    }
  }
}
