package io.ippipe.common.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1,
            ProbeFixtures.JUDGE_KEY, 1_000, 4);
        Socket s = new Socket("127.0.0.1", judge.port())) {
      assertTrue(closedWithin(s, 6_000, true), "still open while trickling");
    }
  }

  @Test
  void oneSourceHoldsAtMostItsShareOfConnections() throws Exception {
    try (JudgeServer judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1,
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
}
