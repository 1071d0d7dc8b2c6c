package io.ippipe.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ippipe.common.error.RejectReason;
import org.junit.jupiter.api.Test;

/** A reject's detail goes to the lake beside its masked raw text: it must not undo the mask. */
class RejectDetailTest {
  private final InventoryParser parser = new InventoryParser(ProxyProtocol.HTTP);

  @Test
  void aDetailQuotingInputKeepsNoCredentials() {
    // The scheme is read up to "://", which here follows the credentials and the address.
    Parsed<ProxyEndpoint> p = parser.parseUrl("alice:Sekr1tPw@203.0.113.9:8080 # from https://panel");
    assertEquals(RejectReason.UNSUPPORTED_SCHEME, p.reason());
    assertNotNull(p.detail());
    assertFalse(p.detail().contains("Sekr1t") || p.detail().contains("alice"), p.detail());
  }

  @Test
  void aQuoteIsMaskedBeforeItIsCut() {
    // Cut to 16 characters first, "alice:Sekr1tPassw0rd@" lost its '@' and went out unmasked.
    Parsed<ProxyEndpoint> p = parser.parseUrl("alice:Sekr1tPassw0rd@203.0.113.9:8080 # https://x");
    assertEquals(RejectReason.UNSUPPORTED_SCHEME, p.reason());
    assertFalse(p.detail().contains("Sekr1t") || p.detail().contains("alice"), p.detail());
  }

  @Test
  void aDetailWithoutSecretsIsKeptAsItIs() {
    assertEquals("scheme gopher", parser.parseUrl("gopher://1.2.3.4:70").detail());
  }
}
