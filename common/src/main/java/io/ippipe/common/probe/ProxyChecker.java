package io.ippipe.common.probe;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.SpecialPurpose;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks4ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks proxies with non-blocking I/O: every check is a small state machine on a shared Netty
 * event loop, so thousands are in flight on one or two threads while the calling thread only
 * feeds them in under the politeness limits. One attempt: TCP connect to the proxy (timed), the
 * proxy's handshake (HTTP CONNECT, SOCKS4 or SOCKS5 through Netty's proxy handlers; plain HTTP
 * proxies get an absolute-form request instead, so that the headers they add reach the judge),
 * then {@code GET judge/MARKER} through it, timed to the first byte and to the end. The answer
 * counts only if it carries this attempt's random marker.
 */
public final class ProxyChecker {
  private static final String USER_AGENT = "ippipe-probe/1";
  private static EventLoopGroup sharedGroup;

  private final ProbeSettings settings;
  private final EventLoopGroup group;
  private final SecureRandom random = new SecureRandom();
  private final Set<String> ownAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ProxyChecker(ProbeSettings settings, EventLoopGroup group) {
    this.settings = settings;
    this.group = group;
    this.ownAddresses.addAll(settings.ownAddresses());
  }

  /**
   * One event loop group per JVM, shared by every task of an executor: the checks are I/O-bound,
   * so more threads would only add switching. Daemon threads, so the JVM can always exit.
   */
  public static synchronized EventLoopGroup sharedGroup(int threads) {
    if (sharedGroup == null || sharedGroup.isShuttingDown()) {
      sharedGroup = new NioEventLoopGroup(threads, new DefaultThreadFactory("ippipe-probe", true));
    }
    return sharedGroup;
  }

  /** An address of ours learnt elsewhere (another task of this JVM asked the judge). */
  public void addOwnAddress(String address) {
    ownAddresses.add(address);
  }

  public Set<String> ownAddresses() {
    return Set.copyOf(ownAddresses);
  }

  /**
   * Asks the judge directly, without a proxy, which address it sees us as; that address in a
   * header the judge received through a proxy makes the proxy transparent. Returns it, or null
   * when the judge cannot be reached directly (then only local and configured addresses count).
   */
  public String discoverOwnAddress() {
    JudgeUrl judge = settings.judges().get(0);
    ProbeTarget self = new ProbeTarget(judge.host(), judge.port(), ProxyProtocol.HTTP, null);
    ProbeResult r = attempt(self, 1, Route.DIRECT).join();
    if (r.outcome() == ProbeOutcome.OK && r.exitIp() != null) {
      ownAddresses.add(r.exitIp());
      return r.exitIp();
    }
    return null;
  }

  /**
   * Runs every target's check, at most {@code concurrency} at once, at most
   * {@code perHostInFlight} per address and {@code perSupplierInFlight} per supplier, starts
   * spaced by the rate limit. Blocks the calling thread (only it starts checks) until the last
   * check ends; returns one result per attempt.
   *
   * <p>A target whose address or supplier has no free slot waits in its address's queue while
   * the next address's targets start: the starting thread once blocked on the busy address, so
   * one host's stalling ports (all ports of a host share a task, and a feed can list many) held
   * up every other host of the task behind them.
   */
  public List<ProbeResult> checkAll(Iterator<ProbeTarget> targets) throws InterruptedException {
    ConcurrentLinkedQueue<ProbeResult> results = new ConcurrentLinkedQueue<>();
    Schedule schedule = new Schedule(targets);
    RateLimiter rate = new RateLimiter(settings.ratePerSecond());
    try {
      ProbeTarget t;
      while ((t = schedule.next()) != null) {
        ProbeTarget started = t;
        try {
          rate.acquire();
          check(t).whenComplete((attempts, error) -> {
            if (attempts != null) {
              results.addAll(attempts);
            }
            schedule.ended(started);
          });
        } catch (InterruptedException | RuntimeException e) {
          // Its slots go back, or the wait for the checks in flight below never ends.
          schedule.ended(started);
          throw e;
        }
      }
    } finally {
      // Every check ended, also when this thread was interrupted.
      schedule.awaitNoneInFlight();
    }
    return new ArrayList<>(results);
  }

  /** Which target starts next, under the three limits; shared by the starter and the ends. */
  private final class Schedule {
    /** Targets not started yet, by address, addresses in the order they came. */
    private final Map<String, java.util.ArrayDeque<ProbeTarget>> waiting =
        new java.util.LinkedHashMap<>();
    /** Addresses with a target waiting and a free slot of their own, in turn. */
    private final java.util.ArrayDeque<String> runnable = new java.util.ArrayDeque<>();
    /** Addresses whose next target waits for its supplier, by supplier. */
    private final Map<String, java.util.ArrayDeque<String>> blockedBySupplier = new HashMap<>();
    /** Addresses in {@link #runnable} or {@link #blockedBySupplier}. */
    private final Set<String> queued = new HashSet<>();
    private final Map<String, Integer> perHost = new HashMap<>();
    private final Map<String, Integer> perSupplier = new HashMap<>();
    private int inFlight;
    private int left;

    Schedule(Iterator<ProbeTarget> targets) {
      while (targets.hasNext()) {
        ProbeTarget t = targets.next();
        waiting.computeIfAbsent(t.ip(), h -> new java.util.ArrayDeque<>()).add(t);
        left++;
      }
      runnable.addAll(waiting.keySet());
      queued.addAll(waiting.keySet());
    }

    private String supplier(ProbeTarget t) {
      return t.supplier() == null ? "" : t.supplier();
    }

    /** The next target to start, its slots taken; null when none is left. */
    synchronized ProbeTarget next() throws InterruptedException {
      while (true) {
        if (left == 0) {
          return null;
        }
        String host = inFlight < settings.concurrency() ? runnable.poll() : null;
        if (host == null) {
          wait();
          continue;
        }
        queued.remove(host);
        java.util.ArrayDeque<ProbeTarget> queue = waiting.get(host);
        ProbeTarget t = queue.peek();
        String supplier = supplier(t);
        if (perSupplier.getOrDefault(supplier, 0) >= settings.perSupplierInFlight()) {
          blockedBySupplier.computeIfAbsent(supplier, k -> new java.util.ArrayDeque<>()).add(host);
          queued.add(host);
          continue;
        }
        queue.poll();
        left--;
        inFlight++;
        int hostNow = perHost.merge(host, 1, Integer::sum);
        perSupplier.merge(supplier, 1, Integer::sum);
        if (!queue.isEmpty() && hostNow < settings.perHostInFlight()) {
          runnable.add(host);
          queued.add(host);
        }
        return t;
      }
    }

    /** A started check ended: its slots are free, and who waited for them may start. */
    synchronized void ended(ProbeTarget t) {
      inFlight--;
      String host = t.ip();
      String supplier = supplier(t);
      perHost.merge(host, -1, Integer::sum);
      perSupplier.merge(supplier, -1, Integer::sum);
      // One waiting address per freed slot: all of them went back to the queue, and the
      // starter polled and re-blocked each again under the lock, quadratic in the addresses.
      java.util.ArrayDeque<String> blocked = blockedBySupplier.get(supplier);
      if (blocked != null) {
        runnable.add(blocked.poll());
        if (blocked.isEmpty()) {
          blockedBySupplier.remove(supplier);
        }
      }
      if (!waiting.get(host).isEmpty() && queued.add(host)) {
        runnable.add(host);
      }
      notifyAll();
    }

    synchronized void awaitNoneInFlight() {
      boolean interrupted = false;
      while (inFlight > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One check: attempts until one is not retryable or probe.retries are spent. */
  public CompletableFuture<List<ProbeResult>> check(ProbeTarget target) {
    List<ProbeResult> attempts = new ArrayList<>();
    CompletableFuture<List<ProbeResult>> done = new CompletableFuture<>();
    if (!globallyReachable(target.ip()) && !settings.allowNetworks().contains(target.ip())) {
      attempts.add(failure(target, 1, System.currentTimeMillis(), ProbeOutcome.NOT_ALLOWED, null,
          null, 0.0, "special-purpose address: probes go only to globally reachable proxies and "
              + "to probe.allow_networks"));
      done.complete(attempts);
      return done;
    }
    next(target, 1, attempts, done);
    return done;
  }

  private void next(ProbeTarget target, int attemptNo, List<ProbeResult> attempts,
      CompletableFuture<List<ProbeResult>> done) {
    attempt(target, attemptNo, Route.of(target.protocol())).whenComplete((r, error) -> {
      ProbeResult result = r != null ? r : failure(target, attemptNo, System.currentTimeMillis(),
          ProbeOutcome.BAD_RESPONSE, null, null, 0, "internal error: " + error);
      attempts.add(result);
      if (result.outcome().retryable() && attemptNo <= settings.retries()) {
        next(target, attemptNo + 1, attempts, done);
      } else {
        done.complete(attempts);
      }
    });
  }

  static boolean globallyReachable(String ip) {
    IpParser parser = new IpParser();
    return parser.parse(ip) && SpecialPurpose.classify(parser.hi(), parser.lo()).globallyReachable();
  }

  enum Route {
    /** To the judge itself: how we learn our own address. */
    DIRECT,
    /** A plain HTTP proxy: absolute-form request, so it can add (and show) its headers. */
    HTTP_FORWARD,
    /** HTTP CONNECT (https proxies), SOCKS4, SOCKS5: a tunnel, then an origin-form request. */
    TUNNEL;

    static Route of(ProxyProtocol p) {
      return p == ProxyProtocol.HTTP ? HTTP_FORWARD : TUNNEL;
    }
  }

  private CompletableFuture<ProbeResult> attempt(ProbeTarget target, int attemptNo, Route route) {
    Attempt a = new Attempt(target, attemptNo, route, newMarker(), judgeFor(route));
    InetSocketAddress proxyAddress = new InetSocketAddress(literal(target.ip()), target.port());
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            p.addLast("tcp", a.new TcpTiming());
            if (route == Route.TUNNEL) {
              ProxyHandler handler = proxyHandler(target, proxyAddress);
              handler.setConnectTimeoutMillis(settings.handshakeTimeoutMs());
              p.addLast("proxy", handler);
              a.handshake = handler.connectFuture();
            }
            p.addLast("firstByte", a.new FirstByte());
            p.addLast("http", new HttpClientCodec());
            p.addLast("aggregate", new HttpObjectAggregator(ProbeSettings.MAX_RESPONSE_BYTES));
            p.addLast("response", a.new Response());
          }
        });
    SocketAddress remote;
    if (route == Route.TUNNEL) {
      // The proxy handler connects to the proxy and names the judge in its handshake; a judge
      // given by name is resolved by the proxy, as a client of that proxy would have it.
      b.resolver(NoopAddressResolverGroup.INSTANCE);
      remote = isLiteral(a.judge.host())
          ? new InetSocketAddress(literal(a.judge.host()), a.judge.port())
          : InetSocketAddress.createUnresolved(a.judge.host(), a.judge.port());
    } else {
      remote = proxyAddress;
    }
    a.startNanos = System.nanoTime();
    ChannelFuture connect = b.connect(remote);
    a.channel = connect.channel();
    // The channel connects when TCP does; a proxy handler's own future, when its handshake does.
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        a.connectFailed(f.cause());
      } else if (a.handshake == null) {
        a.connected();
      } else {
        a.handshake.addListener(h -> {
          if (h.isSuccess()) {
            a.connected();
          } else {
            a.connectFailed(h.cause());
          }
        });
      }
    });
    return a.result;
  }

  private ProxyHandler proxyHandler(ProbeTarget t, InetSocketAddress proxy) {
    switch (t.protocol()) {
      case SOCKS5:
        return t.hasCredentials() ? new Socks5ProxyHandler(proxy, t.username(), t.password())
            : new Socks5ProxyHandler(proxy);
      case SOCKS4:
        return t.hasCredentials() ? new Socks4ProxyHandler(proxy, t.username())
            : new Socks4ProxyHandler(proxy);
      default:
        return t.hasCredentials() ? new HttpProxyHandler(proxy, t.username(), t.password())
            : new HttpProxyHandler(proxy);
    }
  }

  /**
   * The judge address an attempt asks for: one of probe.judge_url's at random, drawn like the
   * marker, so that a proxy cannot know it before it reads our request. The direct request
   * asks the first, which {@link #discoverOwnAddress} named as its target.
   */
  private JudgeUrl judgeFor(Route route) {
    List<JudgeUrl> judges = settings.judges();
    return route == Route.DIRECT || judges.size() == 1 ? judges.get(0)
        : judges.get(random.nextInt(judges.size()));
  }

  private String newMarker() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static boolean isLiteral(String host) {
    return new IpParser().parse(host);
  }

  /**
   * The address of a proxy (an IP literal: no DNS lookup) or, for the direct request, of the
   * judge (resolved here when probe.judge_url names a host).
   */
  private static InetAddress literal(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve " + host, e);
    }
  }

  static ProbeResult failure(ProbeTarget t, int attemptNo, long startedAtMs, ProbeOutcome outcome,
      Double connectMs, Double handshakeMs, double totalMs, String detail) {
    return new ProbeResult(t, attemptNo, startedAtMs, outcome, connectMs, handshakeMs, null,
        totalMs, null, null, null, null, detail);
  }

  /** The mutable state of one attempt; touched only on its channel's event loop after start. */
  private final class Attempt {
    final ProbeTarget target;
    final int attemptNo;
    final Route route;
    final String marker;
    final JudgeUrl judge;
    final long startedAtMs = System.currentTimeMillis();
    final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    final AtomicBoolean finished = new AtomicBoolean();
    long startNanos;
    long tcpNanos = -1;
    long handshakeNanos = -1;
    long requestNanos = -1;
    long firstByteNanos = -1;
    Channel channel;
    io.netty.util.concurrent.Future<Channel> handshake;
    ScheduledFuture<?> responseTimer;

    Attempt(ProbeTarget target, int attemptNo, Route route, String marker, JudgeUrl judge) {
      this.target = target;
      this.attemptNo = attemptNo;
      this.route = route;
      this.marker = marker;
      this.judge = judge;
    }

    Double ms(long from, long to) {
      return from < 0 || to < 0 ? null : (to - from) / 1e6;
    }

    void finish(ProbeOutcome outcome, Integer status, JudgeReport report, String detail) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      if (responseTimer != null) {
        responseTimer.cancel(false);
      }
      long end = System.nanoTime();
      Double connectMs = ms(startNanos, tcpNanos);
      Double handshakeMs = route == Route.TUNNEL ? ms(tcpNanos, handshakeNanos) : null;
      Double ttfbMs = ms(requestNanos, firstByteNanos);
      String exitIp = report == null ? null : report.origin();
      Boolean matches = exitIp == null ? null : sameAddress(exitIp, target.ip());
      Anonymity anonymity = null;
      if (report != null && outcome == ProbeOutcome.OK) {
        anonymity = Anonymity.classify(report.headers(), ownNow());
      }
      result.complete(new ProbeResult(target, attemptNo, startedAtMs, outcome, connectMs,
          handshakeMs, ttfbMs, (end - startNanos) / 1e6, status, exitIp, matches, anonymity,
          detail));
      if (channel != null) {
        channel.close();
      }
    }

    /** Our addresses: known ones, and the one this attempt's socket has. */
    private Set<String> ownNow() {
      Set<String> own = new HashSet<>(ownAddresses);
      if (channel != null && channel.localAddress() instanceof InetSocketAddress local) {
        own.add(local.getAddress().getHostAddress());
      }
      return own;
    }

    /**
     * Whether the judge got our request in absolute form, from one of our addresses, through an
     * endpoint that is not one of ours: then no other host sent it on, the endpoint is the
     * judge (a proxy on our own host, as in tests on loopback, is one of ours and may).
     */
    private boolean sawUsDirectly(JudgeReport report) {
      // Only a request the judge got in absolute form, as a proxy gets it: a judge behind a
      // load balancer that rewrites sources sees every proxy's request from one address,
      // which the direct request taught us as ours.
      boolean addressedAsProxy = report.headers().entrySet().stream().anyMatch(h ->
          h.getKey().equalsIgnoreCase(JudgeServer.TARGET_FORM_HEADER)
              && JudgeServer.ABSOLUTE_FORM.equals(h.getValue()));
      if (!addressedAsProxy) {
        return false;
      }
      Set<String> own = ownNow();
      boolean fromUs = false;
      boolean targetOurs = false;
      for (String a : own) {
        fromUs |= report.origin() != null && sameAddress(a, report.origin());
        targetOurs |= sameAddress(a, target.ip());
      }
      return fromUs && !targetOurs;
    }

    /**
     * The port the signed report says the judge was reached on when it is not the one asked for
     * ("" when it names none), else null. Only with several judge ports: one port behind a
     * port-translating balancer would differ on every check, and a relay to the only port
     * cannot be told from a proxy.
     */
    private String reachedOn(JudgeReport report) {
      if (settings.judges().size() < 2) {
        return null;
      }
      String port = null;
      for (Map.Entry<String, String> h : report.headers().entrySet()) {
        if (h.getKey().equalsIgnoreCase(JudgeServer.PORT_HEADER)) {
          port = h.getValue();
        }
      }
      return String.valueOf(judge.port()).equals(port) ? null : port == null ? "" : port;
    }

    void connectFailed(Throwable cause) {
      if (tcpNanos < 0) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
          finish(ProbeOutcome.CONNECT_TIMEOUT, null, null, "no TCP connection within "
              + settings.connectTimeoutMs() + " ms");
        } else {
          finish(ProbeOutcome.REFUSED, null, null, describe(cause));
        }
        return;
      }
      // Netty's message is "protocol, auth, proxy => destination, " and then its own word:
      // "timeout", "status: " with the proxy's status line, or SOCKS5's "authStatus: " (any
      // status but SUCCESS a refusal: Netty names only 0xFF FAILURE, 0x01 is "UNKNOWN(1)"). The
      // status line's reason phrase is the proxy's text ("403 timeout status: 407"), so only
      // the first "status: " and its three digits are read, never words after them.
      String message = String.valueOf(cause.getMessage());
      int statusAt = message.indexOf(", status: ");
      int status = statusAt < 0 ? -1 : statusCode(message, statusAt + ", status: ".length());
      if (cause instanceof ProxyConnectException && statusAt < 0 && message.endsWith(", timeout")) {
        finish(ProbeOutcome.HANDSHAKE_TIMEOUT, null, null, "no handshake within "
            + settings.handshakeTimeoutMs() + " ms");
      } else if (status == 407 || status == 401 || message.startsWith("socks5,")
          && message.contains(", authStatus: ") && !message.contains(", authStatus: SUCCESS")) {
        finish(ProbeOutcome.AUTH_FAILED, null, null, "the proxy rejected the credentials");
      } else {
        finish(ProbeOutcome.HANDSHAKE_FAILED, null, null, describe(cause));
      }
    }

    void connected() {
      handshakeNanos = System.nanoTime();
      FullHttpRequest request;
      String path = judge.path() + "/" + marker;
      if (route == Route.HTTP_FORWARD) {
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
            "http://" + judge.authority() + path);
        if (target.hasCredentials()) {
          String basic = Base64.getEncoder().encodeToString(
              (target.username() + ":" + target.password()).getBytes(StandardCharsets.UTF_8));
          request.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, "Basic " + basic);
        }
      } else {
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      }
      request.headers().set(HttpHeaderNames.HOST, judge.authority());
      request.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
      request.headers().set(HttpHeaderNames.ACCEPT, "application/json");
      request.headers().set(HttpHeaderNames.CONNECTION, "close");
      requestNanos = System.nanoTime();
      responseTimer = channel.eventLoop().schedule(() -> finish(ProbeOutcome.RESPONSE_TIMEOUT,
          null, null, "no response within " + settings.responseTimeoutMs() + " ms"),
          settings.responseTimeoutMs(), TimeUnit.MILLISECONDS);
      channel.writeAndFlush(request);
    }

    /** Marks the TCP connect: the first handler sees channelActive before any handshake. */
    final class TcpTiming extends ChannelInboundHandlerAdapter {
      @Override
      public void channelActive(ChannelHandlerContext ctx) throws Exception {
        tcpNanos = System.nanoTime();
        super.channelActive(ctx);
      }

    }

    /** Sits after the proxy handler, so it sees only the bytes of the judge's response. */
    final class FirstByte extends ChannelDuplexHandler {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (firstByteNanos < 0 && requestNanos >= 0 && msg instanceof ByteBuf buf
            && buf.isReadable()) {
          firstByteNanos = System.nanoTime();
        }
        super.channelRead(ctx, msg);
      }
    }

    final class Response extends SimpleChannelInboundHandler<FullHttpResponse> {
      /** At the tail, so that a body delimited by the close has been decoded first. */
      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (requestNanos >= 0) {
          finish(firstByteNanos < 0 ? ProbeOutcome.CLOSED : ProbeOutcome.BAD_RESPONSE, null, null,
              firstByteNanos < 0 ? "closed before any response"
                  : "closed in the middle of a response");
        }
        super.channelInactive(ctx);
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse resp) {
        if (!resp.decoderResult().isSuccess()) {
          finish(ProbeOutcome.BAD_RESPONSE, null, null, "not an HTTP response");
          return;
        }
        int status = resp.status().code();
        // tinyproxy, among others, answers wrong credentials with 401 rather than 407; the judge
        // never asks for authentication, so on the forward route a 401 is the proxy's.
        boolean proxyAuth = status == 407
            || (status == 401 && route == Route.HTTP_FORWARD && target.hasCredentials());
        if (proxyAuth) {
          finish(ProbeOutcome.AUTH_FAILED, status, null, "the proxy rejected the credentials");
        } else if (status == 502 || status == 503 || status == 504) {
          finish(ProbeOutcome.UPSTREAM_ERROR, status, null, "the proxy could not reach the judge");
        } else if (status != 200) {
          finish(ProbeOutcome.BAD_RESPONSE, status, null, "HTTP " + status);
        } else {
          JudgeReport report = JudgeReport.parse(resp.content().toString(StandardCharsets.UTF_8));
          // Believed only once the signature verifies, below.
          String elsewhere = report == null ? null : reachedOn(report);
          if (report == null || !marker.equals(report.marker())) {
            finish(ProbeOutcome.JUDGE_MISMATCH, status, null,
                report == null ? "200 without a judge report" : "200 with another marker");
          } else if (!settings.judgeKey().verifies(report)) {
            // The marker was in our request, so anyone on the path can echo it; only the
            // signature says the origin and headers are what the judge saw.
            finish(ProbeOutcome.JUDGE_MISMATCH, status, null, report.signature() == null
                ? "200 with an unsigned judge report" : "200 with a forged judge report");
          } else if (elsewhere != null) {
            finish(ProbeOutcome.JUDGE_MISMATCH, status, null, elsewhere.isEmpty()
                ? "the judge's report names no port: a judge older than this checker, which "
                    + "probe.judge_url may list under one URL only until it is upgraded"
                : "the judge was reached on port " + elsewhere + ", not the requested "
                    + judge.port() + ": the endpoint does not go where it is asked");
          } else if (route != Route.DIRECT && sawUsDirectly(report)) {
            // The judge takes absolute-form requests, so the judge itself listed as a proxy
            // answered as one, signed, with our own address as the origin.
            finish(ProbeOutcome.JUDGE_MISMATCH, status, null, "the judge saw our own address:"
                + " the endpoint forwarded nothing through an address of its own");
          } else {
            finish(ProbeOutcome.OK, status, report, null);
          }
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (requestNanos < 0) {
          return; // the connect future reports handshake failures
        }
        boolean reset = cause instanceof IOException && firstByteNanos < 0;
        finish(reset ? ProbeOutcome.CLOSED : ProbeOutcome.BAD_RESPONSE, null, null,
            describe(cause));
      }
    }
  }

  private static boolean sameAddress(String a, String b) {
    IpParser pa = new IpParser();
    IpParser pb = new IpParser();
    if (pa.parse(a) && pb.parse(b)) {
      return pa.hi() == pb.hi() && pa.lo() == pb.lo();
    }
    return a.equalsIgnoreCase(b);
  }

  /** The three digits at {@code from}, or -1. */
  private static int statusCode(String s, int from) {
    if (from + 3 > s.length()) {
      return -1;
    }
    int code = 0;
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + c - '0';
    }
    return from + 3 == s.length() || s.charAt(from + 3) == ' ' ? code : -1;
  }

  /**
   * The failure's class and message, cut short, printable ASCII only: messages of Netty's
   * handlers hold no secrets, but may quote the proxy's status line, whose escape sequences
   * must not reach probes.detail and a terminal showing it.
   */
  private static String describe(Throwable cause) {
    Throwable c = cause;
    while (c.getCause() != null && c.getMessage() == null) {
      c = c.getCause();
    }
    String text = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char ch = text.charAt(i);
      out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    return out.toString();
  }
}
