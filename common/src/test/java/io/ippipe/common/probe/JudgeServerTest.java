package io.ippipe.common.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The judge against clients that would hold it: it serves the internet's proxies. */
class JudgeServerTest {
  /** Whether the judge closed the connection within {@code ms}, while a byte trickles in. */
  private static boolean closedWithin(Socket s, long ms, boolean trickle) throws IOException {
    s.setSoTimeout(100);
    OutputStream out = s.getOutputStream();
    long end = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < end) {
      try {
        if (trickle) {
          out.write('G');
          out.flush();
        }
        if (s.getInputStream().read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException waiting) {
        // nothing yet
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aTricklingConnectionIsClosedAtItsDeadline() throws Exception {
    // The read timeout restarted on every byte: a byte every 29 s held a connection for ever.
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", List.of(0), "/judge", 1,
            ProbeFixtures.JUDGE_KEY, 1_000, 4);
        Socket s = new Socket("127.0.0.1", judge.port())) {
      assertTrue(closedWithin(s, 6_000, true), "still open while trickling");
    }
  }

  @Test
  void oneSourceHoldsAtMostItsShareOfConnections() throws Exception {
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", List.of(0), "/judge", 1,
        ProbeFixtures.JUDGE_KEY, 60_000, 4)) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          held.add(new Socket("127.0.0.1", judge.port()));
        }
        for (Socket s : held) {
          assertTrue(!closedWithin(s, 200, false), "one of the first four was closed");
        }
        try (Socket fifth = new Socket("127.0.0.1", judge.port())) {
          assertTrue(closedWithin(fifth, 2_000, false), "the fifth was served");
        }
        held.remove(0).close();
        Thread.sleep(200);
        try (Socket again = new Socket("127.0.0.1", judge.port())) {
          assertEquals(false, closedWithin(again, 300, false), "a freed place is taken again");
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  /** The judge's report of {@code GET /judge/MARKER} sent straight to {@code port}. */
  private static JudgeReport ask(int port, String extraHeader) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(("GET /judge/0123456789abcdef HTTP/1.1\r\nHost: j\r\n"
          + extraHeader + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return JudgeReport.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
  }

  @Test
  void theReportSignsThePortTheJudgeWasReachedOn() throws Exception {
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", List.of(0, 0), "/judge", 1,
        ProbeFixtures.JUDGE_KEY)) {
      assertEquals(2, judge.ports().size());
      assertEquals(List.of("http://127.0.0.1:" + judge.ports().get(0) + "/judge",
          "http://127.0.0.1:" + judge.ports().get(1) + "/judge"), judge.urls());
      for (int port : judge.ports()) {
        // A sender's own entry of that name, in any case, is dropped: the port is the judge's
        // word alone.
        JudgeReport r = ask(port, "Ippipe-Judge-Port: 1\r\nIPPIPE-JUDGE-PORT: 2\r\n");
        assertTrue(ProbeFixtures.JUDGE_KEY.verifies(r), r.toString());
        assertEquals(String.valueOf(port), r.headers().get(JudgeServer.PORT_HEADER), r.toString());
        assertEquals(1, r.headers().keySet().stream()
            .filter(h -> h.equalsIgnoreCase(JudgeServer.PORT_HEADER)).count(), r.toString());
      }
    }
  }

  @Test
  void aJudgeThatCannotBindEveryPortKeepsNoneOpen() throws Exception {
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      int free;
      try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
          java.net.InetAddress.getByName("127.0.0.1"))) {
        free = probe.getLocalPort();
      }
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> JudgeServer.start("127.0.0.1", List.of(free, busy.getLocalPort()), "/judge", 1,
              ProbeFixtures.JUDGE_KEY));
      assertTrue(e instanceof java.net.BindException, e.toString());
      // The port bound before the failure is closed again, not left answering.
      Thread.sleep(200);
      org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
          () -> new Socket("127.0.0.1", free).close());
      long end = System.nanoTime() + 3_000_000_000L;
      while (judgeThreads() > 0 && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertEquals(0, judgeThreads(), "an event loop is left");
    }
  }

  private static long judgeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ippipe-judge") && t.isAlive()).count();
  }
}
