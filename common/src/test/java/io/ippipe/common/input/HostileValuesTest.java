package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
