package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.error.RejectReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON values a supplier or a gateway could send that must become rejects, not wrong data. */
class HostileValuesTest {
  private static final String LOG = "{\"ts\":1764028800,\"client_ip\":\"198.51.100.7\","
      + "\"proxy_ip\":\"203.0.113.9\",\"proxy_port\":8080,\"status\":200";

  @Test
  void integersBeyondALongAreRejectedNotWrapped() {
    // 2^64 + 8080: its low 64 bits are 8080.
    List<Parsed<ProxyEndpoint>> port = new InventoryParser(ProxyProtocol.HTTP)
        .parseJson("{\"ip\":\"8.8.8.8\",\"port\":18446744073709559696}");
    assertEquals(1, port.size());
    assertEquals(RejectReason.INVALID_PORT, port.get(0).reason());

    LogParser logs = new LogParser();
    for (String field : new String[] {"\"elapsed_ms\":9223372036854775808",
        "\"bytes\":9223372036854775809", "\"bytes\":18446744073709551616",
        "\"proxy_port\":18446744073709559696"}) {
      Parsed<GatewayRequest> p = logs.parseJson(LOG.replace(",\"proxy_port\":8080", "")
          + "," + field + "}");
      assertFalse(p.isValid(), field + " gave " + p.value());
    }
    assertEquals(9223372036854775807L, logs.parseJson(LOG + ",\"bytes\":9223372036854775807}")
        .value().bytes());
  }

  @Test
  void aJsonArrayOfMillionsOfRecordsIsOneRejectNotMillionsOfRows() {
    // A 4 MB line of "[0,0,...]" made 2 million rejects, each with its own raw text: out of
    // memory in a 2 GB heap.
    List<Parsed<ProxyEndpoint>> out = new InventoryParser(ProxyProtocol.HTTP)
        .parseJson("[" + "0,".repeat(2_000_000) + "0]");
    assertEquals(1, out.size());
    assertEquals(RejectReason.MALFORMED_RECORD, out.get(0).reason());
    // An array the limit allows is still one record per element.
    assertEquals(3, new InventoryParser(ProxyProtocol.HTTP).parseJson(
        "[{\"ip\":\"8.8.8.8\",\"port\":80},{\"ip\":\"8.8.4.4\",\"port\":80},0]").size());
  }
  @Test
  void anHttpStatusInOtherScriptsDigitsIsRejected() {
    // Integer.parseInt reads any Unicode digit: "\u0968\u0966\u0966" (Devanagari) was status 200.
    String squid = "1795603708.914 380 59.65.93.36 TCP_MISS/%s 1879 GET http://x/p/1 c "
        + "HIER_DIRECT/88.23.251.32 -";
    LogParser logs = new LogParser();
    assertEquals(200, logs.parseSquid(String.format(squid, "200")).value().httpStatus());
    Parsed<GatewayRequest> p = logs.parseSquid(String.format(squid, "\u0968\u0966\u0966"));
    assertEquals(RejectReason.INVALID_NUMBER, p.reason());
  }

  @Test
  void aJsonArrayOverTheLimitIsRejectedBeforeItsRecordsAreBuilt() {
    // The limit was checked on the whole tree: 1.4 million "{}" held ~110 MB at once.
    String line = "[" + "{},".repeat(1_400_000) + "{}]";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    List<Parsed<ProxyEndpoint>> out = new InventoryParser(ProxyProtocol.HTTP).parseJson(line);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(1, out.size());
    assertEquals(RejectReason.MALFORMED_RECORD, out.get(0).reason());
    assertTrue(allocated < 32L << 20, allocated / (1 << 20) + " MB allocated for one reject");
  }

  @Test
  void nestedJsonOfMillionsOfNodesIsRejectedBeforeItsTreeIsBuilt() {
    // Only the top level was counted: [[{},{},...]] and {"a":[{},...]} built ~140 MB trees.
    String objects = "{},".repeat(1_400_000) + "{}";
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    InventoryParser inventory = new InventoryParser(ProxyProtocol.HTTP);
    LogParser logs = new LogParser();
    for (String line : new String[] {"[[" + objects + "]]", "{\"a\":[" + objects + "]}"}) {
      long before = threads.getCurrentThreadAllocatedBytes();
      List<Parsed<ProxyEndpoint>> out = inventory.parseJson(line);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertEquals(1, out.size());
      assertFalse(out.get(0).isValid());
      assertTrue(allocated < 48L << 20, allocated / (1 << 20) + " MB allocated for one reject");
      before = threads.getCurrentThreadAllocatedBytes();
      Parsed<GatewayRequest> log = logs.parseJson(line);
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertFalse(log.isValid());
      assertTrue(allocated < 48L << 20, allocated / (1 << 20) + " MB allocated for one log reject");
    }
  }
}
