package io.ippipe.common.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.error.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpParserTest {
  private final IpParser parser = new IpParser();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.0.0.0|0.0.0.0|4",
      "255.255.255.255|255.255.255.255|4",
      "1.2.3.4|1.2.3.4|4",
      "::|::|6",
      "::1|::1|6",
      "1::|1::|6",
      "2001:DB8:0:0:0:0:0:1|2001:db8::1|6",
      "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1|6",
      "2001:0db8:0000:0000:0001:0000:0000:0001|2001:db8::1:0:0:1|6",
      "2001:db8::0:1:0:0:1|2001:db8::1:0:0:1|6",
      "2001:db8:0:0:1::1|2001:db8::1:0:0:1|6",
      "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1|6",
      "::ffff:192.0.2.128|192.0.2.128|4",
      "::FFFF:c000:0280|192.0.2.128|4",
      "::192.0.2.128|::c000:280|6",
      "64:ff9b::192.0.2.33|64:ff9b::c000:221|6",
      "fe80::1%eth0|fe80::1|6",
      "1:2:3:4:5:6:7::|1:2:3:4:5:6:7:0|6",
      "::2:3:4:5:6:7:8|0:2:3:4:5:6:7:8|6"})
  void acceptsAndWritesRfc5952(String input, String canonical, int version) {
    assertTrue(parser.parse(input), input);
    assertEquals(version, parser.version());
    assertEquals(canonical, IpText.format(parser.hi(), parser.lo(), parser.version()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "010.1.1.1|INVALID_IPV4", "1.2.3.04|INVALID_IPV4", "0x0a.1.1.1|INVALID_IPV4",
      "10.1|INVALID_IPV4", "10|INVALID_IPV4", "1.2.3.256|INVALID_IPV4", "1.2.3.4.5|INVALID_IPV4",
      "1..2.3|INVALID_IPV4", "1.2.3.|INVALID_IPV4", "01.2.3.4|INVALID_IPV4",
      "1.2.3.1000|INVALID_IPV4", "localhost|HOSTNAME_NOT_IP", "proxy.example.com|HOSTNAME_NOT_IP",
      ":::|INVALID_IPV6", "1:::2|INVALID_IPV6", "1::2::3|INVALID_IPV6", "12345::|INVALID_IPV6",
      "1:2:3:4:5:6:7:8:9|INVALID_IPV6", "1:2:3:4:5:6:7|INVALID_IPV6", ":1::|INVALID_IPV6",
      "1::2:|INVALID_IPV6", "g::1|INVALID_IPV6", "::ffff:010.1.1.1|INVALID_IPV6",
      "1:2:3:4:5:6:7:1.2.3.4|INVALID_IPV6", "::1.2.3|INVALID_IPV6", "fe80::1%|INVALID_IPV6",
      "2001:db8:2ce:1|INVALID_IPV6", "[::1]|INVALID_IPV6"})
  void rejectsWithReason(String input, RejectReason reason) {
    assertFalse(parser.parse(input), input);
    assertEquals(reason, parser.error());
  }

  @Test
  void surroundingWhitespaceIsNotPartOfALiteral() {
    assertFalse(parser.parse(" 1.2.3.4"));
    assertFalse(parser.parse("::1 "));
  }

  @Test
  void onlyAsciiHexDigitsMakeAnIpv6Group() {
    // Character.digit read fullwidth and Arabic-Indic digits as hex: "\uff12a01:4f8::\uff11" was
    // valid, and the rejects' masker (ASCII only) left it in clear.
    assertFalse(parser.parse("\uff12a01:4f8::\uff11"));
    assertFalse(parser.parse("2a01:4f8::\u0661"));
    assertTrue(parser.parse("2A01:4f8::1"));
  }

  @Test
  void emptyInputIsInvalid() {
    assertFalse(parser.parse(""));
    assertEquals(RejectReason.INVALID_IP, parser.error());
  }

  @Test
  void parsesASubrangeWithoutCopying() {
    String line = "x 203.0.113.7:8080";
    assertTrue(parser.parse(line, 2, 13));
    assertEquals("203.0.113.7", IpText.format(parser.hi(), parser.lo(), parser.version()));
  }

  @Test
  void bytesSortLikeAddresses() {
    IpAddress a = IpAddress.parse("9.255.255.255");
    IpAddress b = IpAddress.parse("10.0.0.0");
    IpAddress c = IpAddress.parse("2001:db8::1");
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0);
    assertTrue(java.util.Arrays.compareUnsigned(a.toBytes(), b.toBytes()) < 0);
    assertTrue(java.util.Arrays.compareUnsigned(b.toBytes(), c.toBytes()) < 0);
  }
}
