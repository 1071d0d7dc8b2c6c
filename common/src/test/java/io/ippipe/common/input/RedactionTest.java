package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void masksUserinfoInUrlsAndBareEntries() {
    assertEquals("socks5://***@1.2.3.4:1080", Redaction.mask("socks5://alice:s3cr3t@1.2.3.4:1080"));
    assertEquals("***@[2a00::1]:80", Redaction.mask("bob:pw@[2a00::1]:80"));
  }

  @Test
  void masksJsonSecretsOfAnyType() {
    String masked = Redaction.mask("{\"ip\":\"1.2.3.4\",\"username\":\"alice\",\"password\":12345}");
    assertEquals("{\"ip\":\"1.2.3.4\",\"username\":\"***\",\"password\":\"***\"}", masked);
  }

  @Test
  void masksBeforeTruncating() {
    String raw = "http://user:" + "p".repeat(50) + "@1.2.3.4:80";
    String out = Redaction.maskAndTruncate(raw, 12);
    assertFalse(out.contains("ppp"), out);
    assertTrue(out.startsWith("http://***@1"), out);
  }

  @Test
  void csvCredentialColumnsAreMasked() {
    CsvHeader h = new CsvHeader("ip,port,protocol,username,password");
    assertEquals("1.2.3.4,80,http,***,***", h.redact("1.2.3.4,80,http,alice,s3cret"));
    // Misaligned rows keep only their first two fields: any other could be a password.
    assertEquals("1.2.3.4,80,***", h.redact("1.2.3.4,80,http,alice,s3cret,extra"));
  }
}
