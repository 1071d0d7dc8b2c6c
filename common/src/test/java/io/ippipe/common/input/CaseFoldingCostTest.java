package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Letters whose case mapping grows ('İ' lower-cases to two chars, 'ß' upper-cases to "SS") made
 * JDK 17's String.toLowerCase/toUpperCase copy the whole result once per such letter: a line of
 * 64 K of them cost 12 GB of garbage and a second in each place untrusted text was case-folded,
 * and a 4 MiB line (validate.max_line_length) would hold a task for most of an hour. Measured
 * by what each call allocates, not by time: linear work allocates a few times the line.
 */
class CaseFoldingCostTest {
  private static final int N = 65_536;
  private static final String GROWS_LOWER = "\u0130".repeat(N);
  private static final String GROWS_UPPER = "\u00df".repeat(N);

  private static long allocatedBy(Supplier<?> call) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    call.get(); // loads and initialises what the call needs once
    long before = threads.getCurrentThreadAllocatedBytes();
    call.get();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  @Test
  void untrustedTextIsCaseFoldedInLinearWork() {
    LogParser logs = new LogParser();
    InventoryParser inventory = new InventoryParser(ProxyProtocol.HTTP);
    CsvHeader typed = new CsvHeader("ip,port,protocol,proxy_type");
    Map<String, Supplier<?>> calls = new LinkedHashMap<>();
    calls.put("squid target host", () -> logs.parseLine("1764028800.5 12 1.2.3.4 TCP_MISS/200 "
        + "100 GET http://" + GROWS_LOWER + "/ - HIER_DIRECT/8.8.8.8 -", LogFormat.SQUID));
    calls.put("clf target host", () -> logs.parseLine("1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "
        + "\"GET http://" + GROWS_LOWER + "/ HTTP/1.1\" 200 1", LogFormat.CLF));
    calls.put("json log target host", () -> logs.parseLine("{\"ts\":1764028800,\"client_ip\":"
        + "\"1.2.3.4\",\"status\":200,\"target_host\":\"" + GROWS_LOWER + "\"}", LogFormat.JSONL));
    calls.put("url scheme", () -> inventory.parseLine(GROWS_LOWER + "://1.2.3.4:80",
        InventoryFormat.URL, null));
    calls.put("csv protocol", () -> inventory.parseLine("8.8.8.8,80," + GROWS_LOWER + ",isp",
        InventoryFormat.CSV, typed));
    calls.put("csv proxy type", () -> inventory.parseLine("8.8.8.8,80,http," + GROWS_UPPER,
        InventoryFormat.CSV, typed));
    calls.put("json protocol", () -> inventory.parseLine("{\"ip\":\"8.8.8.8\",\"port\":80,"
        + "\"protocol\":\"" + GROWS_LOWER + "\"}", InventoryFormat.JSONL, null));
    calls.put("json type", () -> inventory.parseLine("{\"ip\":\"8.8.8.8\",\"port\":80,"
        + "\"type\":\"" + GROWS_UPPER + "\"}", InventoryFormat.JSONL, null));
    calls.put("redaction of a JSON name", () -> Redaction.mask("\"" + GROWS_LOWER + "\":1"));
    calls.put("csv header", () -> new CsvHeader("ip,port," + GROWS_LOWER));
    long bound = 64L * N * 2; // 64 times the line's UTF-16 bytes
    Map<String, Long> over = new LinkedHashMap<>();
    for (Map.Entry<String, Supplier<?>> c : calls.entrySet()) {
      long bytes = allocatedBy(c.getValue());
      if (bytes >= bound) {
        over.put(c.getKey(), bytes / 1_000_000);
      }
    }
    assertEquals(Map.of(), over, "MB allocated for a line of " + N + " letters");
  }

  @Test
  void foldingMatchesTheJdksOnAsciiAndMapsEachLetterToOne() {
    for (String s : new String[] {"", "HTTP", "Socks5", "x-Forwarded-FOR", "a1-_.:/@"}) {
      assertEquals(s.toLowerCase(java.util.Locale.ROOT), CaseFold.lower(s));
      assertEquals(s.toUpperCase(java.util.Locale.ROOT), CaseFold.upper(s));
    }
    assertEquals("i", CaseFold.lower("\u0130"));
    assertEquals("\u00df", CaseFold.upper("\u00df"));
    assertEquals("b\u00fccher.de", CaseFold.lower("B\u00dcCHER.DE"));
    assertEquals("\ud801\udc28", CaseFold.lower("\ud801\udc00"), "a supplementary letter");
    String same = "already lower";
    assertTrue(same == CaseFold.lower(same), "nothing to fold: no copy");
  }
}
