package io.ippipe.common.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.input.ProxyProtocol;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeModelTest {
  @Test
  void anonymityLevels() {
    Set<String> own = Set.of("198.51.100.7");
    assertEquals(Anonymity.ELITE, Anonymity.classify(Map.of("Host", "j", "User-Agent", "x"), own));
    assertEquals(Anonymity.ANONYMOUS, Anonymity.classify(Map.of("Via", "1.1 squid"), own));
    assertEquals(Anonymity.ANONYMOUS,
        Anonymity.classify(Map.of("X-Forwarded-For", "unknown"), own));
    assertEquals(Anonymity.TRANSPARENT,
        Anonymity.classify(Map.of("X-Forwarded-For", "10.0.0.1, 198.51.100.7"), own));
    assertEquals(Anonymity.TRANSPARENT,
        Anonymity.classify(Map.of("Forwarded", "for=198.51.100.7;proto=http"), own));
    // A longer address that merely contains ours is not ours.
    assertEquals(Anonymity.ANONYMOUS,
        Anonymity.classify(Map.of("X-Forwarded-For", "198.51.100.71"), own));
  }

  @Test
  void ourAddressIsFoundInAnyFormAProxyWritesIt() {
    // Matched as text, each of these was "anonymous": a port after it, IPv4-mapped, and IPv6
    // written shorter than Java's getHostAddress() writes ours.
    Set<String> own = Set.of("198.51.100.7", "2001:db8:0:0:0:0:0:7");
    for (String value : new String[] {"198.51.100.7:51234", "for=\"198.51.100.7:51234\"",
        "::ffff:198.51.100.7", "2001:db8::7", "for=\"[2001:DB8::7]:4711\"",
        "unknown, 198.51.100.7"}) {
      assertEquals(Anonymity.TRANSPARENT, Anonymity.classify(Map.of("X-Forwarded-For", value), own),
          value);
    }
    for (String value : new String[] {"198.51.100.71", "198.51.100.70:7", "2001:db8::77",
        "for=unknown"}) {
      assertEquals(Anonymity.ANONYMOUS, Anonymity.classify(Map.of("X-Forwarded-For", value), own),
          value);
    }
  }

  @Test
  void judgeMarkersAndReports() {
    assertEquals("0123456789abcdef", JudgeServer.marker("/judge/0123456789abcdef", "/judge"));
    assertEquals("0123456789abcdef",
        JudgeServer.marker("http://j:8899/judge/0123456789abcdef?x=1", "/judge"));
    assertNull(JudgeServer.marker("/judge/", "/judge"));
    assertNull(JudgeServer.marker("/other/0123456789abcdef", "/judge"));
    assertNull(JudgeServer.marker("/judge/../../etc/passwd", "/judge"));
    JudgeReport r = JudgeReport.signed("m1234567", "203.0.113.9", Map.of("Via", "1.1 p"),
        ProbeFixtures.JUDGE_KEY);
    assertEquals(r, JudgeReport.parse(r.toJson()));
    assertTrue(ProbeFixtures.JUDGE_KEY.verifies(JudgeReport.parse(r.toJson())));
    assertNull(JudgeReport.parse("<html>"));
    assertNull(JudgeReport.parse("{\"marker\": 5, \"origin\": \"x\", \"headers\": {}}"));
  }

  @Test
  void judgeUrlIsCheckedUpFront() {
    ProbeSettings s = ProbeSettings.of("http://judge.example.net:8899/j/", 1, 1, 1, 0, 1, 1, 1, 0,
        Set.of(), io.ippipe.common.ip.Networks.NONE, ProbeFixtures.JUDGE_KEY);
    assertEquals(List.of(new JudgeUrl("judge.example.net", 8899, "/j")), s.judges());
    assertEquals("judge.example.net:8899", s.judges().get(0).authority());
    assertEquals(List.of(new JudgeUrl("2001:db8::1", 80, "/judge")), ProbeSettings.of(
        "http://[2001:db8::1]", 1, 1, 1, 0, 1, 1, 1, 0, Set.of(),
        io.ippipe.common.ip.Networks.NONE, ProbeFixtures.JUDGE_KEY).judges());
    assertEquals("[2001:db8::1]:80", JudgeUrl.parse("http://[2001:db8::1]").authority());
    // Several ports of one judge: each check asks for one at random (docs/probe.md).
    assertEquals(List.of(new JudgeUrl("j.example.net", 8899, "/judge"),
        new JudgeUrl("j.example.net", 8900, "/judge")), JudgeUrl.parseList(
        " http://j.example.net:8899/judge , http://j.example.net:8900/judge"));
    for (String bad : new String[] {"https://j/", "ftp://j", "judge:80", "http://u:p@j/x",
        "http://j/x?q=1", "http://j:8899/a,", "http://j:8899/a,http://k:8899/b",
        "http://j/a,http://j:80/b"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> JudgeUrl.parseList(bad), bad);
      assertTrue(e.getMessage().startsWith("probe.judge_url"), e.getMessage());
    }
    assertTrue(assertThrows(ConfigException.class, () -> JudgeUrl.parseList(
        "http://j:8899/a,http://k:8899/b")).getMessage().contains("port 8899 twice"));
  }

  @Test
  void credentialsByEndpointThenSupplierAndNeverPrinted() {
    ProxyCredentials c = ProxyCredentials.parse("""
        # suppliers
        supplier.acme = alice:pa:ss
        endpoint.203.0.113.5:8080 = bob:hunter2
        endpoint.[2001:db8::1]:1080 = carol:x
        """, CredentialOwners.parse("acme=feed:/feeds/acme/"));
    String feed = "file:/feeds/acme/list.txt";
    ProbeTarget acme = new ProbeTarget("198.51.100.1", 3128, ProxyProtocol.HTTP, "acme");
    assertEquals(new ProxyCredentials.UserPassword("alice", "pa:ss"),
        c.lookup(acme, List.of(feed)));
    ProbeTarget bob = new ProbeTarget("203.0.113.5", 8080, ProxyProtocol.HTTP, "acme");
    assertEquals("bob", c.lookup(bob, List.of(feed)).user());
    ProbeTarget v6 = new ProbeTarget("2001:db8::1", 1080, ProxyProtocol.SOCKS5, null);
    assertEquals("carol", c.lookup(v6, List.of()).user());
    assertNull(c.lookup(new ProbeTarget("198.51.100.1", 1, ProxyProtocol.HTTP, "other"),
        List.of()));
    String shown = c + " " + c.lookup(bob, List.of(feed)) + " "
        + bob.withCredentials(c.lookup(bob, List.of(feed)));
    assertFalse(shown.contains("hunter2"), shown);
    ConfigException e = assertThrows(ConfigException.class,
        () -> ProxyCredentials.parse("supplier.x = nopassword-here", CredentialOwners.NONE));
    assertTrue(e.getMessage().contains("line 1"));
    assertFalse(e.getMessage().contains("nopassword-here"));
    assertThrows(ConfigException.class,
        () -> ProxyCredentials.parse("acme = a:b", CredentialOwners.NONE));
  }

  /** A clock that only moves when the limiter sleeps (or the test says so). */
  private static final class FakeClock implements RateLimiter.Clock {
    long now = 1_000_000_000L;
    long slept;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      slept += nanos;
      now += nanos;
    }
  }

  @Test
  void rateLimiterSpacesStartsAndBanksNoCredit() throws InterruptedException {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(200, clock);
    for (int i = 0; i < 21; i++) {
      limiter.acquire();
    }
    // 21 starts at 200/s: the first at once, then 20 waits of exactly 5 ms.
    assertEquals(100_000_000L, clock.slept);
    // An idle second earns no burst: the next start is at once, the one after waits 5 ms.
    clock.now += 1_000_000_000L;
    long before = clock.slept;
    limiter.acquire();
    assertEquals(before, clock.slept);
    limiter.acquire();
    assertEquals(before + 5_000_000L, clock.slept);
    // Unlimited never waits.
    RateLimiter unlimited = new RateLimiter(0, clock);
    for (int i = 0; i < 100; i++) {
      unlimited.acquire();
    }
    assertEquals(before + 5_000_000L, clock.slept);
  }

  @Test
  void suppliersCredentialsGoOnlyToEndpointsTheOperatorSaysTheyOwn() {
    CredentialOwners owners = CredentialOwners.parse(
        "acme=feed:/data/feeds/acme, beta=net:203.0.113.0/24, beta=feed:file:///data/beta.csv");
    ProxyCredentials creds = ProxyCredentials.parse(
        "supplier.acme = alice:acme-pass\nsupplier.beta = bob:beta-pass\n", owners);
    ProbeTarget claimsAcme = new ProbeTarget("198.51.100.7", 8080, ProxyProtocol.HTTP, "acme");
    assertEquals("acme-pass",
        creds.lookup(claimsAcme, List.of("file:/data/feeds/acme/2026-11-30.csv")).password());
    // The row's supplier column plays no part: another feed, a sibling directory, no feed.
    for (String feed : new String[] {"file:/data/feeds/hostile/x.csv",
        "file:/data/feeds/acme-evil/x.csv", "file:/data/feeds/acme.csv", null}) {
      assertNull(creds.lookup(claimsAcme, feed == null ? List.of() : List.of(feed)),
          String.valueOf(feed));
    }
    ProbeTarget inBeta = new ProbeTarget("203.0.113.9", 1080, ProxyProtocol.SOCKS5, "acme");
    assertEquals("beta-pass",
        creds.lookup(inBeta, List.of("file:/data/feeds/hostile/x.csv")).password());
    assertEquals("beta-pass", creds.lookup(claimsAcme, List.of("file:/data/beta.csv")).password());
    // Declarations that disagree about an endpoint give it nobody's credentials.
    assertNull(creds.lookup(inBeta, List.of("file:/data/feeds/acme/x.csv")));
    // Every file that listed the endpoint counts, whichever listing ingest kept: another feed's
    // listing beside the owner's takes nothing from it; two owners' listings are ambiguous.
    assertEquals("acme-pass", creds.lookup(claimsAcme, List.of("file:/data/feeds/aaa/x.csv",
        "file:/data/feeds/acme/x.csv")).password());
    assertNull(creds.lookup(claimsAcme, List.of("file:/data/beta.csv",
        "file:/data/feeds/acme/x.csv")));

    ConfigException unowned = assertThrows(ConfigException.class, () -> ProxyCredentials.parse(
        "supplier.gamma = carol:gamma-pass\n", owners));
    assertTrue(unowned.getMessage().contains("supplier(s) gamma")
        && unowned.getMessage().contains("probe.credential_owners"), unowned.getMessage());
    assertFalse(unowned.getMessage().contains("gamma-pass"));
    for (String bad : new String[] {"acme", "acme=/data", "acme=feed:", "acme=feed:/",
        "acme=net:10.0.0.0/33"}) {
      assertThrows(IllegalArgumentException.class, () -> CredentialOwners.parse(bad), bad);
    }
  }

  @Test
  void allowNetworksMatchEveryFormOfAnAddress() {
    io.ippipe.common.ip.Networks n = io.ippipe.common.ip.Networks.parse("127.0.0.0/8, ::1/128");
    assertTrue(n.contains("127.0.0.1") && n.contains("127.255.0.9") && n.contains("::1")
        && n.contains("::ffff:127.0.0.1"));
    assertFalse(n.contains("128.0.0.1") || n.contains("::2") || n.contains("not-an-ip"));
    assertThrows(IllegalArgumentException.class,
        () -> io.ippipe.common.ip.Networks.parse("127.0.0.0/8, localhost"));
  }
}
