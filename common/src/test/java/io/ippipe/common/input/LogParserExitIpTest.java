package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ippipe.common.error.RejectReason;
import org.junit.jupiter.api.Test;

/** The optional exit_ip of structured logs: canonical when valid, a reject when not. */
class LogParserExitIpTest {
  private final LogParser parser = new LogParser();
  private static final String BASE = "{\"ts\":1764028800,\"client_ip\":\"198.51.100.7\","
      + "\"proxy_ip\":\"203.0.113.9\",\"proxy_port\":8080,\"status\":200";

  @Test
  void exitIpIsCanonicalOrAbsent() {
    assertEquals("2001:db8::1", parser.parseJson(BASE + ",\"exit_ip\":\"2001:DB8:0::1\"}")
        .value().exitIp().toString());
    assertNull(parser.parseJson(BASE + "}").value().exitIp());
  }

  @Test
  void badExitIpIsARejectWithItsReason() {
    Parsed<GatewayRequest> bad = parser.parseJson(BASE + ",\"exit_ip\":\"010.1.1.1\"}");
    assertFalse(bad.isValid());
    assertEquals(RejectReason.INVALID_IPV4, bad.reason());
    assertEquals("exit_ip", bad.detail());
    Parsed<GatewayRequest> wrongType = parser.parseJson(BASE + ",\"exit_ip\":17}");
    assertEquals(RejectReason.WRONG_JSON_TYPE, wrongType.reason());
  }
}
