package io.ippipe.common.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real proxies and deliberately broken endpoints on 127.0.0.1, for the checker's tests: Debian's
 * tinyproxy (HTTP forward and CONNECT) and dante (SOCKS4/5) as child processes on free ports,
 * and small socket servers that misbehave in one way each. scripts/test.sh installs the two
 * packages.
 */
public final class ProbeFixtures {
  public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** The judge key of the tests: the judges they start sign with it, their checkers verify. */
  public static final String JUDGE_KEY_HEX =
      "6a75646765206b6579206f66207468652074657374732c2033322062797465732e";
  public static final JudgeKey JUDGE_KEY =
      JudgeKey.of(io.ippipe.common.crypto.Hex.decode(JUDGE_KEY_HEX));

  private ProbeFixtures() {}

  /** {@link #JUDGE_KEY} in an owner-only file under {@code dir}, for probe.judge_key=file:. */
  public static Path judgeKeyFile(Path dir) throws IOException {
    Path f = dir.resolve("judge.key");
    if (!Files.exists(f)) {
      Files.writeString(f, JUDGE_KEY_HEX + "\n");
      Files.setPosixFilePermissions(f,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    return f;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    }
  }

  /** A proxy daemon in the foreground, stopped on close. */
  public static final class Daemon implements AutoCloseable {
    final Process process;
    public final int port;

    Daemon(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** tinyproxy on a free port; {@code basicAuth} "user pass" makes it demand credentials. */
  public static Daemon tinyproxy(Path dir, String basicAuth) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("tinyproxy-" + port + ".conf");
    Files.writeString(conf, String.join("\n",
        "Port " + port, "Listen 127.0.0.1", "Timeout 10", "MaxClients 200", "Allow 127.0.0.1",
        "LogLevel Warning", "XTinyproxy No", basicAuth == null ? "" : "BasicAuth " + basicAuth, ""));
    return start(List.of(binary("tinyproxy", "/usr/bin/tinyproxy"), "-d", "-c", conf.toString()),
        dir.resolve("tinyproxy-" + port + ".log"), port);
  }

  /** dante's danted on a free port, SOCKS4 and SOCKS5 without authentication, loopback only. */
  public static Daemon dante(Path dir) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("danted-" + port + ".conf");
    Files.writeString(conf, String.join("\n",
        "logoutput: stderr", "internal: 127.0.0.1 port = " + port, "external: 127.0.0.1",
        "clientmethod: none", "socksmethod: none", "user.privileged: root",
        "user.unprivileged: nobody",
        "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }",
        "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }", ""));
    return start(List.of(binary("danted", "/usr/sbin/danted"), "-f", conf.toString(), "-N", "1",
        "-p", dir.resolve("danted-" + port + ".pid").toString()),
        dir.resolve("danted-" + port + ".log"), port);
  }

  private static String binary(String name, String path) {
    if (!Files.isExecutable(Path.of(path))) {
      throw new IllegalStateException(name + " is not installed (" + path + "): scripts/test.sh "
          + "installs it from Debian packages (tinyproxy, dante-server)");
    }
    return path;
  }

  private static Daemon start(List<String> command, Path log, int port) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(command.get(0) + " exited: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, port), 200);
        return new Daemon(p, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(command.get(0) + " did not listen on " + port);
  }

  public enum Behaviour {
    /** Accepts and never answers. */
    BLACKHOLE,
    /** Closes each connection at once. */
    CLOSE,
    /** Answers with bytes that are no protocol at all. */
    GARBAGE,
    /** A 200 page without the judge's marker, as a captive portal would. */
    NO_MARKER,
    /** 502 Bad Gateway: a proxy that cannot reach its upstream. */
    BAD_GATEWAY,
    /** A working forward proxy that tells the judge who its client is (Via, X-Forwarded-For). */
    TRANSPARENT,
    /** NO_MARKER after 50 ms, counting the connections open at once. */
    SLOW,
    /**
     * A hostile proxy that answers in the judge's place: 200 with the marker it read from the
     * request, an origin of its choosing and no revealing headers, unsigned.
     */
    FORGE_JUDGE,
    /**
     * A hostile proxy that fetches the judge's real, signed report and rewrites it: its own
     * origin, the headers it added removed, the judge's signature kept.
     */
    TAMPER_JUDGE,
    /**
     * Refuses every request with a reason phrase that reads like other failures and holds an
     * escape sequence: "403 timeout status: 407" and ESC[2J.
     */
    HOSTILE_REASON,
    /** A SOCKS5 proxy that asks for a password and refuses it with status 0x01, as most do. */
    SOCKS5_AUTH_REFUSED,
    /**
     * A fake proxy that relays every byte to one fixed port (the judge's), whatever was asked:
     * a socat or a TCP load balancer listed as an http proxy.
     */
    RELAY,
    /**
     * A fake https proxy: answers any CONNECT with 200, then relays the tunnel to one fixed port
     * (the judge's), wherever the CONNECT asked to go.
     */
    FAKE_CONNECT,
    /** A judge from before reports signed the port: a signed report of what it got, no port. */
    OLD_JUDGE
  }

  /** A one-behaviour endpoint on a free loopback port, a thread per connection. */
  public static final class Endpoint implements AutoCloseable {
    final ServerSocket server;
    final Behaviour behaviour;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    /** Every request head line this endpoint read, for tests of what a proxy gets to see. */
    public final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-endpoint");
      t.setDaemon(true);
      return t;
    });
    private final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());

    public Endpoint(Behaviour behaviour) throws IOException {
      this(behaviour, LOOPBACK);
    }

    /** On another loopback address (127.0.0.2: another host, as the checker's limits see it). */
    public Endpoint(Behaviour behaviour, InetAddress address) throws IOException {
      this(behaviour, address, address);
    }

    /** Forwarding from {@code upstreamFrom}, as a load balancer before the judge shows them. */
    public Endpoint(Behaviour behaviour, InetAddress address, InetAddress upstreamFrom)
        throws IOException {
      this(behaviour, address, upstreamFrom, -1);
    }

    /** A {@link Behaviour#RELAY} or {@link Behaviour#FAKE_CONNECT} to loopback {@code port}. */
    public static Endpoint relayTo(Behaviour behaviour, int port) throws IOException {
      return new Endpoint(behaviour, LOOPBACK, LOOPBACK, port);
    }

    private Endpoint(Behaviour behaviour, InetAddress address, InetAddress upstreamFrom,
        int relayPort) throws IOException {
      this.relayPort = relayPort;
      this.behaviour = behaviour;
      this.server = new ServerSocket(0, 512, address);
      this.upstreamFrom = upstreamFrom;
      threads.submit(this::acceptLoop);
    }

    private final InetAddress upstreamFrom;
    private final int relayPort;

    public int port() {
      return server.getLocalPort();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.submit(() -> serve(s));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      boolean counted = true;
      try {
        switch (behaviour) {
          case BLACKHOLE -> {
            held.add(s);
            return;
          }
          case CLOSE -> s.close();
          case GARBAGE -> {
            s.getOutputStream().write("\u0000\u00ffSSH-2.0-nonsense \u0007\u0008\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
            s.close();
          }
          case NO_MARKER, SLOW -> {
            readHead(s.getInputStream());
            if (behaviour == Behaviour.SLOW) {
              Thread.sleep(50);
            }
            // Uncounted before the answer: the client may open its next connection as soon as
            // it reads this one, before this thread reaches its finally (a per-host cap of 3
            // was once seen as 4 that way).
            open.decrementAndGet();
            counted = false;
            respond(s, "200 OK", "<html>Welcome to the free Wi-Fi</html>");
          }
          case BAD_GATEWAY -> {
            readHead(s.getInputStream());
            respond(s, "502 Bad Gateway", "upstream unreachable");
          }
          case TRANSPARENT -> forward(s);
          case FORGE_JUDGE -> {
            String marker = markerOf(readHead(s.getInputStream()));
            respond(s, "200 OK", "{\"marker\":\"" + marker + "\",\"origin\":\"203.0.113.77\","
                + "\"headers\":{\"Host\":\"judge\"}}");
          }
          case TAMPER_JUDGE -> tamper(s);
          case SOCKS5_AUTH_REFUSED -> {
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            in.readFully(new byte[in.readUnsignedShort() & 0xFF]); // version, then the methods
            s.getOutputStream().write(new byte[] {5, 2});
            in.readUnsignedByte();
            in.readFully(new byte[in.readUnsignedByte()]);
            in.readFully(new byte[in.readUnsignedByte()]);
            s.getOutputStream().write(new byte[] {1, 1});
            s.getOutputStream().flush();
            s.close();
          }
          case RELAY -> relay(s, s.getInputStream());
          case FAKE_CONNECT -> {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            seen.add(headLine(in));
            s.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            relay(s, in);
          }
          case OLD_JUDGE -> {
            List<String> head = readHead(s.getInputStream());
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (String h : head.subList(1, head.size())) {
              headers.put(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 1).strip());
            }
            respond(s, "200 OK", JudgeReport.signed(markerOf(head),
                s.getInetAddress().getHostAddress(), headers, JUDGE_KEY).toJson());
          }
          case HOSTILE_REASON -> {
            readHead(s.getInputStream());
            respond(s, "403 timeout status: 407 \u001b[2J", "no");
          }
          default -> throw new IllegalStateException();
        }
      } catch (Exception ignored) {
        // a client that went away is part of the game
      } finally {
        if (counted) {
          open.decrementAndGet();
        }
      }
    }

    /** Pipes {@code client} (read from {@code in}) and loopback:relayPort both ways to the end. */
    private void relay(Socket client, InputStream in) throws IOException {
      try (client; Socket upstream = new Socket(LOOPBACK, relayPort)) {
        java.util.concurrent.Future<?> back = threads.submit(() -> {
          try {
            upstream.getInputStream().transferTo(client.getOutputStream());
          } catch (IOException gone) {
            // either side went away
          }
          return null;
        });
        in.transferTo(upstream.getOutputStream());
        upstream.shutdownOutput();
        try {
          back.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception late) {
          // closed below either way
        }
      }
    }

    /** A request head read byte by byte, so that nothing after it is consumed; its first line. */
    private static String headLine(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed in the head");
        }
        head.append((char) b);
      }
      return head.substring(0, head.indexOf("\r\n"));
    }

    private List<String> readHead(InputStream in) throws IOException {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
      List<String> lines = new ArrayList<>();
      for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
        lines.add(line);
      }
      seen.addAll(lines);
      return lines;
    }

    /** The last path segment of the request line's target: the checker's marker. */
    private static String markerOf(List<String> head) {
      String target = head.get(0).split(" ")[1];
      return target.substring(target.lastIndexOf('/') + 1);
    }

    private void tamper(Socket client) throws Exception {
      List<String> head = readHead(client.getInputStream());
      URI target = new URI(head.get(0).split(" ")[1]);
      String body;
      try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
        upstream.getOutputStream().write(("GET " + target.getRawPath() + " HTTP/1.1\r\nHost: "
            + target.getAuthority() + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        String response = new String(upstream.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);
        body = response.substring(response.indexOf("\r\n\r\n") + 4);
      }
      JudgeReport real = JudgeReport.parse(body);
      JudgeReport forged = new JudgeReport(real.marker(), "203.0.113.77", java.util.Map.of(),
          real.signature());
      respond(client, "200 OK", forged.toJson());
    }

    private static void respond(Socket s, String status, String body) throws IOException {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/html\r\nContent-Length: "
          + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      s.close();
    }

    /** Forwards an absolute-form GET to its host, adding the headers of a transparent proxy. */
    private void forward(Socket client) throws Exception {
      List<String> head = readHead(client.getInputStream());
      String[] requestLine = head.get(0).split(" ");
      URI target = new URI(requestLine[1]);
      StringBuilder out = new StringBuilder("GET " + target.getRawPath() + " HTTP/1.1\r\n");
      for (String h : head.subList(1, head.size())) {
        if (!h.toLowerCase().startsWith("proxy-") && !h.toLowerCase().startsWith("connection")) {
          out.append(h).append("\r\n");
        }
      }
      out.append("Via: 1.1 fake-transparent-proxy\r\n");
      out.append("X-Forwarded-For: ").append(client.getInetAddress().getHostAddress()).append("\r\n");
      out.append("Connection: close\r\n\r\n");
      // From the endpoint's own address, as a proxy on another host would be seen by the judge.
      try (Socket upstream = new Socket(target.getHost(), target.getPort(), upstreamFrom, 0)) {
        upstream.getOutputStream().write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        upstream.getInputStream().transferTo(client.getOutputStream());
      }
      client.close();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
      threads.shutdownNow();
    }
  }

  /**
   * A listening port whose accept queue is full, so that further SYNs are dropped: the loopback
   * way to make a TCP connect time out.
   */
  static final class FullBacklog implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> queued = new ArrayList<>();

    FullBacklog() throws IOException {
      server = new ServerSocket(0, 1, LOOPBACK);
      for (int i = 0; i < 16; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 300);
          queued.add(s);
        } catch (SocketTimeoutException full) {
          s.close();
          return;
        }
      }
      throw new IllegalStateException("the accept queue never filled");
    }

    public int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket s : queued) {
        s.close();
      }
      server.close();
    }
  }
}
