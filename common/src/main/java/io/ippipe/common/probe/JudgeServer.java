package io.ippipe.common.probe;

import io.ippipe.common.input.Endpoints;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The judge: a tiny HTTP echo server that checks reach through a proxy. {@code GET /PATH/MARKER}
 * answers 200 with a {@link JudgeReport}: the marker, the address the request came from (the
 * proxy's exit), every header received and the port it came in on, signed with probe.judge_key
 * ({@link JudgeKey}) so that a proxy cannot answer in its place. Anything else is 404. It keeps no state and logs
 * nothing per request, so operators can run it next to their checkers at any rate.
 */
public final class JudgeServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final String path;
  private final AtomicLong answered;

  private JudgeServer(EventLoopGroup group, List<Channel> channels, String path,
      AtomicLong answered) {
    this.group = group;
    this.channels = channels;
    this.path = path;
    this.answered = answered;
  }

  /**
   * Binds {@code host:port} (port 0: any free port) and serves {@code path}/MARKER, signing each
   * report with {@code key}.
   */
  public static JudgeServer start(String host, int port, String path, int threads, JudgeKey key)
      throws InterruptedException {
    return start(host, List.of(port), path, threads, key);
  }

  /**
   * Binds {@code host} on each of {@code ports} (0: any free port), one judge behind them all: the
   * checks ask for one port at random, and each report signs the port it came in on.
   */
  public static JudgeServer start(String host, List<Integer> ports, String path, int threads,
      JudgeKey key) throws InterruptedException {
    return start(host, ports, path, threads, key, CONNECTION_DEADLINE_MS, CONNECTIONS_PER_SOURCE);
  }

  /**
   * How long a connection may stay, however it trickles: a read timeout restarted on every byte,
   * so a proxy sending a byte every 29 s held its connections for ever, thousands of them, until
   * every check failed. A check asks once and the judge answers at once.
   */
  static final long CONNECTION_DEADLINE_MS = 30_000;
  /**
   * Connections one source address (an IPv6 source's /64) may hold at once, beyond which the
   * judge closes new ones at once: far above what the checkers' per-host limits send through
   * one proxy. No cap over all sources: the process's open-file limit is that.
   */
  static final int CONNECTIONS_PER_SOURCE = 256;

  /** What a source is counted as: an IPv4 address, or an IPv6 address's /64 (one host's). */
  private static java.net.InetAddress sourceKey(java.net.InetAddress a) {
    if (a instanceof java.net.Inet6Address) {
      byte[] b = a.getAddress();
      java.util.Arrays.fill(b, 8, 16, (byte) 0);
      try {
        return java.net.InetAddress.getByAddress(b);
      } catch (java.net.UnknownHostException impossible) {
        return a;
      }
    }
    return a;
  }

  static JudgeServer start(String host, List<Integer> ports, String path, int threads,
      JudgeKey key, long deadlineMs, int perSource) throws InterruptedException {
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("the judge needs a port");
    }
    java.util.Objects.requireNonNull(key, "the judge signs every report: it needs probe.judge_key");
    Map<java.net.InetAddress, Integer> open = new java.util.concurrent.ConcurrentHashMap<>();
    EventLoopGroup group = new NioEventLoopGroup(threads,
        new io.netty.util.concurrent.DefaultThreadFactory("ippipe-judge", true));
    String base = path.replaceAll("/+$", "");
    AtomicLong answered = new AtomicLong();
    List<Channel> channels = new ArrayList<>();
    try {
      ServerBootstrap server = new ServerBootstrap().group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              java.net.InetAddress source = sourceKey(c.remoteAddress().getAddress());
              int now = open.merge(source, 1, Integer::sum);
              c.closeFuture().addListener(f -> open.computeIfPresent(source,
                  (a, n) -> n <= 1 ? null : n - 1));
              if (now > perSource) {
                c.close();
                return;
              }
              io.netty.util.concurrent.ScheduledFuture<?> deadline = c.eventLoop().schedule(
                  () -> c.close(), deadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS);
              // Cancelled at close, so a closed channel is not held in the queue for 30 s.
              c.closeFuture().addListener(f -> deadline.cancel(false));
              c.pipeline().addLast(new HttpServerCodec(),
                  new HttpObjectAggregator(16 * 1024), new Echo(base, key, answered));
            }
          });
      for (int port : ports) {
        channels.add(server.bind(host, port).sync().channel());
      }
      return new JudgeServer(group, List.copyOf(channels), base, answered);
    } catch (Exception e) {
      // Netty rethrows the bind's BindException undeclared: whatever failed, no port bound
      // before it stays open answering, and no event loop stays behind.
      for (Channel c : channels) {
        c.close().syncUninterruptibly();
      }
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  /** The first port. */
  public int port() {
    return ports().get(0);
  }

  /** Every port, in the order given. */
  public List<Integer> ports() {
    return channels.stream().map(c -> ((InetSocketAddress) c.localAddress()).getPort()).toList();
  }

  /** The first port's URL. */
  public String url() {
    return urls().get(0);
  }

  /** One URL per port: probe.judge_url is all of them, comma-separated. */
  public List<String> urls() {
    return channels.stream().map(c -> {
      InetSocketAddress a = (InetSocketAddress) c.localAddress();
      String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1"
          : a.getAddress().getHostAddress();
      return "http://" + Endpoints.hostPort(host, a.getPort()) + path;
    }).toList();
  }

  /** The first port's channel. */
  public Channel channel() {
    return channels.get(0);
  }

  /** Waits until every port is closed, or {@code millis} passed (0: for ever). */
  public void awaitClose(long millis) throws InterruptedException {
    long start = System.nanoTime();
    long budget = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis); // saturates
    for (Channel c : channels) {
      if (millis <= 0) {
        c.closeFuture().sync();
        continue;
      }
      long left = budget - (System.nanoTime() - start);
      if (left <= 0 || !c.closeFuture().await(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
        return;
      }
    }
  }

  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Headers whose values the judge's report withholds. */
  private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of(
      "proxy-authorization", "authorization", "cookie");
  static final String WITHHELD = "[withheld]";
  /** The report's own entry for a request received in absolute form. */
  static final String TARGET_FORM_HEADER = "ippipe-request-target";
  static final String ABSOLUTE_FORM = "absolute-form";
  /**
   * The report's own entry for the port the request reached the judge on: a fake proxy that takes
   * every request to one port of the judge shows by it (docs/probe.md).
   */
  static final String PORT_HEADER = "ippipe-judge-port";

  /** The marker in a request target, or null. Accepts origin-form and absolute-form targets. */
  public static String marker(String requestTarget, String base) {
    String p = requestTarget;
    if (!p.startsWith("/")) {
      try {
        p = new URI(requestTarget).getRawPath();
      } catch (java.net.URISyntaxException e) {
        return null;
      }
      if (p == null) {
        return null;
      }
    }
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    if (!p.startsWith(base + "/")) {
      return null;
    }
    String m = p.substring(base.length() + 1);
    return m.matches("[0-9A-Za-z_-]{8,128}") ? m : null;
  }

  /**
   * The judge's answer to one request: 200 with the {@link JudgeReport} (marker, the address the
   * request came from, every header received), or 404 without a marker under {@code base}. Built
   * at once, so that it may be sent later (the bench farm delays it).
   */
  public static FullHttpResponse answer(ChannelHandlerContext ctx, FullHttpRequest req,
      String base, JudgeKey key) {
    String marker = req.decoderResult().isSuccess() ? marker(req.uri(), base) : null;
    FullHttpResponse resp;
    if (marker == null) {
      resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
          Unpooled.copiedBuffer("not a judge request\n", StandardCharsets.US_ASCII));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    } else {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<String, String> h : req.headers()) {
        // A proxy that passes our credentials on must not have them sent back over one more
        // hop in clear: that it did stays visible by the header's name.
        String value = CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))
            ? WITHHELD : h.getValue();
        headers.merge(h.getKey(), value, (a, b) -> a + ", " + b);
      }
      // Signed with the rest: whether we were addressed as a proxy (a proxy forwards in origin
      // form), so that the judge listed as a proxy is told from a proxy. Never the sender's.
      headers.keySet().removeIf(name -> name.equalsIgnoreCase(TARGET_FORM_HEADER)
          || name.equalsIgnoreCase(PORT_HEADER));
      if (!req.uri().startsWith("/")) {
        headers.put(TARGET_FORM_HEADER, ABSOLUTE_FORM);
      }
      headers.put(PORT_HEADER, String.valueOf(
          ((InetSocketAddress) ctx.channel().localAddress()).getPort()));
      String origin = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress()
          .getHostAddress();
      byte[] body = JudgeReport.signed(marker, origin, headers, key).toJson()
          .getBytes(StandardCharsets.UTF_8);
      resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(body));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    }
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
    resp.headers().set(HttpHeaderNames.CONNECTION, "close");
    resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return resp;
  }

  private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String base;
    private final JudgeKey key;
    private final AtomicLong answered;

    Echo(String base, JudgeKey key, AtomicLong answered) {
      this.base = base;
      this.key = key;
      this.answered = answered;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpResponse resp = answer(ctx, req, base, key);
      if (resp.status().equals(HttpResponseStatus.OK)) {
        answered.incrementAndGet();
      }
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Requests answered with a report since start. */
  public long answered() {
    return answered.get();
  }
}
