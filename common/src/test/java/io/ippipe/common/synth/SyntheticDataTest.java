package io.ippipe.common.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.ProxyProtocol;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {
  private final SyntheticData data = new SyntheticData(new SyntheticData.Params(42, 10_000, 50_000,
      0.15, 0.01, 0.02, 0.10, 8, 1.0, LocalDate.of(2026, 11, 25)));

  @Test
  void sameSeedSameLines() {
    SyntheticData again = new SyntheticData(new SyntheticData.Params(42, 10_000, 50_000, 0.15,
        0.01, 0.02, 0.10, 8, 1.0, LocalDate.of(2026, 11, 25)));
    for (long i = 0; i < 2000; i += 7) {
      assertEquals(data.inventoryLine(i, InventoryFormat.URL), again.inventoryLine(i, InventoryFormat.URL));
      assertEquals(data.requestLine(i, LogFormat.SQUID), again.requestLine(i, LogFormat.SQUID));
    }
  }

  @Test
  void everyGoodLineParsesAndMalformedOnesAreRejected() {
    InventoryParser inventory = new InventoryParser(ProxyProtocol.HTTP);
    io.ippipe.common.input.CsvHeader header = new io.ippipe.common.input.CsvHeader(SyntheticData.CSV_HEADER);
    for (InventoryFormat f : new InventoryFormat[] {InventoryFormat.PLAIN, InventoryFormat.URL,
        InventoryFormat.STATUS, InventoryFormat.CSV, InventoryFormat.JSONL}) {
      int bad = 0;
      for (long i = 0; i < data.inventoryLines(); i++) {
        boolean valid = inventory.parseLine(data.inventoryLine(i, f), f, header).get(0).isValid();
        if (data.inventoryProxy(i) != null) {
          assertTrue(valid, f + " line " + i + ": " + data.inventoryLine(i, f));
        } else if (!valid) {
          bad++;
        }
      }
      assertEquals(data.malformedInventoryLines(), bad, f.toString());
    }
    LogParser logs = new LogParser();
    for (LogFormat f : new LogFormat[] {LogFormat.SQUID, LogFormat.CLF, LogFormat.JSONL}) {
      for (long j = 0; j < 20_000; j++) {
        String line = data.requestLine(j, f);
        boolean valid = !line.isBlank() && !line.contains("\u0000") && logs.parseLine(line, f).isValid();
        assertEquals(!data.isMalformedRequest(j), valid, f + " request " + j + ": " + line);
      }
    }
  }

  @Test
  void popularityIsSkewed() {
    Map<Long, Integer> hits = new HashMap<>();
    for (long j = 0; j < 50_000; j++) {
      hits.merge((long) data.listedPositionAt((j + 0.5) / 50_000), 1, Integer::sum);
    }
    int top = hits.values().stream().max(Integer::compare).orElseThrow();
    // Zipf(1) over 10^4 proxies: the top proxy takes ~1/H(10^4) ~ 10% of the traffic.
    assertTrue(top > 2_500 && top < 10_000, "top proxy got " + top);
  }
}
