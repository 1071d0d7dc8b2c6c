package io.ippipe.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server on a free loopback port for one test class, stopped afterwards. The
 * README's test command (scripts/test.sh) installs redis-server when it is missing.
 */
final class RedisServer implements AutoCloseable {
  final int port;
  private final Process process;

  private RedisServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static RedisServer start(String... extraArgs) throws Exception {
    String binary = find();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"));
    cmd.addAll(List.of(extraArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = new byte[64];
        int n = socket.getInputStream().read(reply);
        if (n > 0) {
          return new RedisServer(port, p);
        }
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  private static String find() {
    for (String dir : (System.getenv("PATH") + ":/usr/bin:/usr/sbin:/usr/local/bin").split(":")) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new IllegalStateException("redis-server is not installed; the tests need a real one: "
        + "run scripts/test.sh (it installs the Debian package) or apt-get install redis-server");
  }

  String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The pool versions that have keys under {@code prefix} (docs/publish.md's key layout). */
  java.util.Set<String> versions(String prefix) {
    java.util.Set<String> versions = new java.util.TreeSet<>();
    try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
      String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
      do {
        var page = jedis.scan(cursor, new redis.clients.jedis.params.ScanParams()
            .match(prefix + ":v:*").count(1000));
        page.getResult().forEach(k -> versions.add(k.split(":")[2]));
        cursor = page.getCursor();
      } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
    }
    return versions;
  }
}
