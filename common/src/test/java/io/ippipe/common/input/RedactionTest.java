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
  void masksUserinfoUpToTheLastAt() {
    // The URL parser takes the host after the last '@': so does the mask.
    assertEquals("http://***@1.2.3.4:80", Redaction.mask("http://user:p@ss@1.2.3.4:80"));
    assertEquals("***@1.2.3.4:80", Redaction.mask("user:p@ss@1.2.3.4:80"));
    // A password with '/' in it is still inside the userinfo.
    assertEquals("http://***@1.2.3.4:80/x", Redaction.mask("http://user:pa/ss@1.2.3.4:80/x"));
    // '=' may be part of a password, so a bare token's mask starts at the token's start.
    assertEquals("***@h other ***@x", Redaction.mask("key=user:pw@h other a@b@x"));
  }

  @Test
  void masksJsonSecretsOfAnyType() {
    String masked = Redaction.mask("{\"ip\":\"1.2.3.4\",\"username\":\"alice\",\"password\":12345}");
    assertEquals("{\"ip\":\"1.2.3.4\",\"username\":\"***\",\"password\":\"***\"}", masked);
    assertEquals("{\"Password\" : \"***\", \"x\":1}",
        Redaction.mask("{\"Password\" : \"a\\\"b\\\\\", \"x\":1}"));
  }

  @Test
  void longQuotedAndEscapedValuesNeitherOverflowNorLeak() {
    String value = "\\\"".repeat(200_000) + "x".repeat(100_000);
    String masked = Redaction.mask("{\"password\":\"" + value + "\",\"ip\":\"9.9.9.9\"}");
    assertEquals("{\"password\":\"***\",\"ip\":\"9.9.9.9\"}", masked);
  }

  @Test
  void masksBeforeTruncating() {
    String raw = "http://user:" + "p".repeat(50) + "@1.2.3.4:80";
    String out = Redaction.maskAndTruncate(raw, 12);
    assertFalse(out.contains("ppp"), out);
    assertTrue(out.startsWith("http://***@<"), out);
  }

  @Test
  void aCutLineLosesItsUnfinishedLastToken() {
    // Cut before the '@': "user:secret" alone does not look like a credential any more.
    String cut = "1764028800.1 GET http://user:secret";
    String kept = Redaction.dropLastToken(cut);
    assertEquals("1764028800.1 GET " + Redaction.CUT, kept);
    assertFalse(Redaction.maskAndTruncate(kept, 512).contains("secret"));
    // ',' may be part of a password: a cut line without spaces keeps nothing of that token.
    assertEquals(Redaction.CUT, Redaction.dropLastToken("a,b,alice"));
    assertEquals("x " + Redaction.CUT, Redaction.dropLastToken("x http://user:se,cr"));
    assertEquals(Redaction.CUT, Redaction.dropLastToken("user:secret"));
  }

  @Test
  void aSchemeAfterTheFirstAtIsNoSchemeOfTheUserinfo() {
    // Everything up to the last '@' is user info: "a@b://" must not keep "a@b://" in clear.
    assertEquals("***@1.2.3.4:80", Redaction.mask("pw@x://user:pw2@1.2.3.4:80"));
    assertEquals("socks5://***@h", Redaction.mask("socks5://u:p@ss://x@h"));
  }

  @Test
  void masksIpLiteralsButNotTimesOrNumbers() {
    assertEquals("1795603708.914 380 <ip> TCP_MISS/200 1879 GET http://x/p/1 c HIER_DIRECT/<ip> -",
        Redaction.maskAddresses("1795603708.914 380 59.65.93.36 TCP_MISS/200 1879 GET http://x/p/1 "
            + "c HIER_DIRECT/88.23.251.32 -"));
    assertEquals("[<ip>]:8080 <ip>:3128 <ip> <ip>%eth0 <ip>",
        Redaction.maskAddresses("[2001:db8::1]:8080 10.0.0.1:3128 ::ffff:1.2.3.4 fe80::1%eth0 "
            + "010.001.002.003"));
    assertEquals("[25/Nov/2026:10:11:12 +0000] v1.2.3 12:30 deadbeef.example 3.14",
        Redaction.maskAddresses("[25/Nov/2026:10:11:12 +0000] v1.2.3 12:30 deadbeef.example 3.14"));
    assertEquals("{\"client_ip\":\"<ip>\",\"bytes\":-5}",
        Redaction.maskAddresses("{\"client_ip\":\"2a02:9f79:2385:f27a:2eb7:84d4:bbf8:bf30\",\"bytes\":-5}"));
  }

  @Test
  void linearOnHostileRuns() {
    // "@" followed by n '=' took 0.37 s, 1.0 s and 4.8 s for n = 10k, 20k, 40k before: quadratic.
    long small = timeMask("@" + "=".repeat(100_000), 5);
    long large = timeMask("@" + "=".repeat(800_000), 5);
    assertTrue(large < small * 8 * 4, "8x the input took " + (double) large / small + "x the time");
    // An '@' early, then many short tokens: each token searched back to that '@' (lastIndexOf
    // over the whole string), 13 s for 160 KB; and many "a@" tokens each searched the rest of
    // the line for "://".
    for (String unit : new String[] {" a", "a@ ", " x://y"}) {
      long few = timeMask("@" + unit.repeat(20_000), 5);
      long many = timeMask("@" + unit.repeat(160_000), 5);
      assertTrue(many < few * 8 * 4,
          "'" + unit + "' x8 took " + (double) many / few + "x the time");
    }
    // Short runs: the search for a ":port" went back to the input's start from each of them.
    long runsFew = timeMask("12 ".repeat(5_000), 5);
    long runsMany = timeMask("12 ".repeat(40_000), 5);
    assertTrue(runsMany < runsFew * 8 * 4,
        "8x the short runs took " + (double) runsMany / runsFew + "x the time");
    long quadsSmall = timeMask("1.2.3.4:".repeat(20_000), 5);
    long quadsLarge = timeMask("1.2.3.4:".repeat(160_000), 5);
    assertTrue(quadsLarge < quadsSmall * 8 * 4,
        "8x the quads took " + (double) quadsLarge / quadsSmall + "x the time");
  }

  /** The fastest of a few runs of the whole masking chain, in nanoseconds. */
  private static long timeMask(String s, int runs) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      Redaction.maskAndTruncate(s, 512);
      best = Math.min(best, System.nanoTime() - t);
    }
    return Math.max(best, 1);
  }

  @Test
  void csvCredentialColumnsAreMasked() {
    CsvHeader h = new CsvHeader("ip,port,protocol,username,password");
    assertEquals("1.2.3.4,80,http,***,***", h.redact("1.2.3.4,80,http,alice,s3cret"));
    // Misaligned rows keep only the address and port positions: any other field could be a
    // credential that shifted.
    assertEquals("1.2.3.4,80,***,***,***,***", h.redact("1.2.3.4,80,http,alice,s3cret,extra"));
    CsvHeader first = new CsvHeader("username,password,ip,port");
    assertEquals("***,***,1.2.3.4", first.redact("alice,s3cret,1.2.3.4"));
    assertFalse(first.redact("alice,s3cret").contains("alice"));
    // Credentials shifted onto the address and port positions: neither is an address or a
    // port, so neither is kept.
    assertEquals("***,***,***,***,***,***,***", h.redact("alice,s3cret,1.2.3.4,80,http,a,b"));
    assertEquals("[2001:db8::1],8080,***,***,***,***",
        h.redact("[2001:db8::1],8080,http,alice,s3cret,x"));
  }

  @Test
  void passwordsHoldingSeparatorsAreMaskedWhole() {
    // '=', ';' and ',' ended the token before the '@', so the password's first part stayed.
    for (String raw : new String[] {"http://alice:abc123==@10.0.0.1:8080",
        "socks5://alice:se;cret@1.2.3.4:1080", "alice:pw,part@1.2.3.4:80",
        "x proxy=http://bob:a=b;c,d@1.2.3.4:80 y"}) {
      String masked = Redaction.mask(raw);
      for (String secret : new String[] {"abc123", "se;", "cret", "pw", "part", "bob", "a=b"}) {
        assertFalse(masked.contains(secret), raw + " -> " + masked);
      }
    }
  }

  @Test
  void jsonSecretsAreMaskedWhateverTheirNameEscapesOrValueShape() {
    for (String raw : new String[] {
        "{\"ip\":\"10.0.0.1\",\"port\":8080,\"pass\\u0077ord\":\"hunter2\"}",
        "{\"ip\":\"10.0.0.1\",\"credentials\":[\"alice\",\"hunter2\"],\"port\":1}",
        "{\"ip\":\"10.0.0.1\",\"auth\":{\"u\":\"alice\",\"p\":[\"hunter2\"]},\"port\":1}",
        "{\"ip\":\"10.0.0.1\",\"auth\":{\"s\":\"}]\\\"\",\"p\":\"hunter2\"},\"port\":1}"}) {
      String masked = Redaction.mask(raw);
      assertFalse(masked.contains("hunter2") || masked.contains("alice"), raw + " -> " + masked);
      assertTrue(masked.contains("\"port\""), "the members after the secret stay: " + masked);
    }
  }

  @Test
  void everyCsvColumnNamedLikeASecretIsMasked() {
    assertEquals("10.0.0.1,8080,***,***",
        new CsvHeader("ip,port,password,password").redact("10.0.0.1,8080,hunter1,hunter2"));
    for (String name : new String[] {"passwd", "auth", "credentials", "proxy_auth", "Password"}) {
      assertEquals("10.0.0.1,8080,***", new CsvHeader("ip,port," + name)
          .redact("10.0.0.1,8080,hunter2"), name);
    }
  }

  @Test
  void anAddressAtTheEndOfASentenceIsMasked() {
    // The run "2a01:4f8::1." parsed as no address, with or without a port.
    assertEquals("from <ip>. Next", Redaction.maskAddresses("from 2a01:4f8::1. Next"));
    assertEquals("from <ip>.", Redaction.maskAddresses("from 203.0.113.9."));
    assertEquals("v1.2.", Redaction.maskAddresses("v1.2."));
  }

  @Test
  void aPasswordHoldingSpacesQuotesOrBracketsIsMaskedToTheLineLastAt() {
    // Whitespace, quotes and '<>' end a token, so the URL's token ended inside the password and
    // the rest of it, up to the '@', stayed in clear.
    for (String raw : new String[] {"http://bob:Xy<9k>Qz@1.2.3.4:80",
        "x socks5://bob:Xy 9k Qz@1.2.3.4:1080 y", "http://bob:Xy\"9k'Qz@1.2.3.4:80",
        "http://bob:Xy@9k Qz@1.2.3.4:80"}) {
      String masked = Redaction.mask(raw);
      for (String secret : new String[] {"bob", "Xy", "9k", "Qz"}) {
        assertFalse(masked.contains(secret), raw + " -> " + masked);
      }
      assertTrue(masked.contains("***@1.2.3.4:"), raw + " -> " + masked);
    }
    // A URL with no '@' after it keeps its text.
    assertEquals("GET http://x/p 200 <a>", Redaction.mask("GET http://x/p 200 <a>"));
  }

  @Test
  void secretsAreRecognisedByWhatTheirNameSays() {
    for (String name : new String[] {"pwd", "token", "secret", "api_key", "apiKey", "ProxyPassword",
        "proxy_user", "login", "access-token", "client_secret", "user_pass", "auth", "basicAuth",
        "Proxy-Authorization"}) {
      assertTrue(Redaction.isSecretName(name), name);
    }
    for (String name : new String[] {"ip", "port", "protocol", "country", "asn", "source",
        "last_seen", "supplier", "city", "authenticated", "author"}) {
      assertFalse(Redaction.isSecretName(name), name);
    }
  }

  @Test
  void aCsvHeaderThatDoesNotParseKeepsNoField() {
    // The header's unclosed quote left it without columns, so no column was masked.
    CsvHeader broken = new CsvHeader("ip,port,\"password");
    String redacted = broken.redact("10.0.0.1,8080,hunter2");
    assertFalse(redacted.contains("hunter2"), redacted);
  }

  @Test
  void jsonSecretsAreMaskedWhateverAUrlBeforeThemHolds() {
    // The URL's mask to the line's last '@' swallowed an odd number of quotes, and the JSON
    // masker, run after it, read every later string inside out: "password" was a value.
    for (String raw : new String[] {
        "{\"url\": http://h/x, \"contact\": \"a@b\", \"password\": \"hunter2\"}",
        "{\"url\":\"http://h/\", x@y, \"password\":\"hunter2\"}",
        // One stray quote anywhere before the secret, no URL needed.
        "{\"ip\":\"a\"b\",\"password\":\"hunter2\"}",
        "{\"ip\":\"http://alice:p <x> \"q@1.2.3.4\",\"port\":1,\"password\":\"hunter2\"}"}) {
      String masked = Redaction.mask(raw);
      assertFalse(masked.contains("hunter2"), raw + " -> " + masked);
    }
  }

  @Test
  void aUrlAfterAnAtInItsTokenIsMaskedToTheLineLastAt() {
    // "ops@" before the scheme hid the "://", so the password's part before its space stayed.
    String raw = "ops@acme.net,203.0.113.5,80x,http://bob:pa ss@203.0.113.5:8080,acme";
    String masked = Redaction.mask(raw);
    assertFalse(masked.contains("bob") || masked.contains(":pa"), raw + " -> " + masked);
  }

  @Test
  void aLongSecretNameIsStillASecretName() {
    // Names over 96 characters were read as no name at all.
    String raw = "{\"ip\":\"10.0.0.1\",\"" + "x".repeat(100) + "_password\":\"hunter2\"}";
    assertFalse(Redaction.mask(raw).contains("hunter2"), Redaction.mask(raw));
  }
}
