package io.ippipe.common.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.ip.Networks;
import io.ippipe.common.probe.ProbeFixtures.Behaviour;
import io.ippipe.common.probe.ProbeFixtures.Daemon;
import io.ippipe.common.probe.ProbeFixtures.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every outcome class, through real proxies (tinyproxy, dante) and broken endpoints on loopback. */
class ProxyCheckerTest {
  @TempDir
  static Path dir;
  static JudgeServer judge;
  static Daemon tinyproxy;
  static Daemon tinyproxyAuth;
  static Daemon dante;
  static final EnumSet<ProbeOutcome> SEEN = EnumSet.noneOf(ProbeOutcome.class);

  @BeforeAll
  static void start() throws Exception {
    judge = JudgeServer.start("127.0.0.1", 0, "/judge", 1, ProbeFixtures.JUDGE_KEY);
    tinyproxy = ProbeFixtures.tinyproxy(dir, null);
    tinyproxyAuth = ProbeFixtures.tinyproxy(dir, "alice s3cret");
    dante = ProbeFixtures.dante(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    judge.close();
    tinyproxy.close();
    tinyproxyAuth.close();
    dante.close();
  }

  static final Networks LOOPBACK_ALLOWED = Networks.parse("127.0.0.0/8");

  static ProbeSettings settings(int retries, Networks allow) {
    return settings(retries, allow, ProbeFixtures.JUDGE_KEY);
  }

  static ProbeSettings settings(int retries, Networks allow, JudgeKey key) {
    return ProbeSettings.of(judge.url(), 500, 1000, 1500, retries, 64, 64, 1000, 0, Set.of(),
        allow, key);
  }

  static ProxyChecker checker() {
    return new ProxyChecker(settings(0, LOOPBACK_ALLOWED), ProxyChecker.sharedGroup(1));
  }

  static ProbeResult once(ProbeTarget t) {
    List<ProbeResult> attempts = checker().check(t).join();
    assertEquals(1, attempts.size(), attempts.toString());
    ProbeResult r = attempts.get(0);
    synchronized (SEEN) {
      SEEN.add(r.outcome());
    }
    return r;
  }

  static ProbeTarget at(int port, ProxyProtocol protocol) {
    return new ProbeTarget("127.0.0.1", port, protocol, "test");
  }

  @Test
  void httpForwardThroughTinyproxyIsOkAndAnonymousBecauseOfVia() {
    ProbeResult r = once(at(tinyproxy.port, ProxyProtocol.HTTP));
    assertEquals(ProbeOutcome.OK, r.outcome(), r.detail());
    assertEquals(200, r.httpStatus());
    assertEquals("127.0.0.1", r.exitIp());
    assertTrue(r.exitIpMatches());
    assertEquals(Anonymity.ANONYMOUS, r.anonymity());
    assertNotNull(r.connectMs());
    assertNull(r.handshakeMs(), "a forward proxy has no handshake");
    assertNotNull(r.ttfbMs());
    assertTrue(r.totalMs() >= r.ttfbMs());
  }

  @Test
  void connectTunnelThroughTinyproxyHidesEverything() {
    ProbeResult r = once(at(tinyproxy.port, ProxyProtocol.HTTPS));
    assertEquals(ProbeOutcome.OK, r.outcome(), r.detail());
    assertEquals(Anonymity.ELITE, r.anonymity());
    assertNotNull(r.handshakeMs());
  }

  @Test
  void socks5AndSocks4ThroughDante() {
    for (ProxyProtocol p : List.of(ProxyProtocol.SOCKS5, ProxyProtocol.SOCKS4)) {
      ProbeResult r = once(at(dante.port, p));
      assertEquals(ProbeOutcome.OK, r.outcome(), p + ": " + r.detail());
      assertEquals(Anonymity.ELITE, r.anonymity());
      assertNotNull(r.handshakeMs());
      assertEquals("127.0.0.1", r.exitIp());
    }
  }

  @Test
  void credentialsAreSentAndWrongOnesAreAuthFailures() {
    ProbeTarget good = at(tinyproxyAuth.port, ProxyProtocol.HTTP)
        .withCredentials(new ProxyCredentials.UserPassword("alice", "s3cret"));
    assertEquals(ProbeOutcome.OK, once(good).outcome());
    ProbeTarget none = at(tinyproxyAuth.port, ProxyProtocol.HTTP);
    assertEquals(ProbeOutcome.AUTH_FAILED, once(none).outcome());
    for (ProxyProtocol p : List.of(ProxyProtocol.HTTP, ProxyProtocol.HTTPS)) {
      ProbeTarget wrong = at(tinyproxyAuth.port, p)
          .withCredentials(new ProxyCredentials.UserPassword("alice", "wrong"));
      ProbeResult r = once(wrong);
      assertEquals(ProbeOutcome.AUTH_FAILED, r.outcome(), p + ": " + r.detail());
      assertFalse(String.valueOf(r.detail()).contains("wrong"), "no password in the detail");
      assertFalse(r.toString().contains("wrong"), "no password in the result's text");
    }
  }

  @Test
  void brokenEndpointsGetTheirOwnClasses() throws Exception {
    record Case(Behaviour behaviour, ProxyProtocol protocol, ProbeOutcome expected) {}
    List<Case> cases = List.of(
        new Case(Behaviour.BLACKHOLE, ProxyProtocol.HTTP, ProbeOutcome.RESPONSE_TIMEOUT),
        new Case(Behaviour.BLACKHOLE, ProxyProtocol.SOCKS5, ProbeOutcome.HANDSHAKE_TIMEOUT),
        new Case(Behaviour.CLOSE, ProxyProtocol.HTTP, ProbeOutcome.CLOSED),
        new Case(Behaviour.CLOSE, ProxyProtocol.SOCKS5, ProbeOutcome.HANDSHAKE_FAILED),
        new Case(Behaviour.GARBAGE, ProxyProtocol.HTTP, ProbeOutcome.BAD_RESPONSE),
        new Case(Behaviour.GARBAGE, ProxyProtocol.HTTPS, ProbeOutcome.HANDSHAKE_FAILED),
        new Case(Behaviour.NO_MARKER, ProxyProtocol.HTTP, ProbeOutcome.JUDGE_MISMATCH),
        new Case(Behaviour.BAD_GATEWAY, ProxyProtocol.HTTP, ProbeOutcome.UPSTREAM_ERROR));
    for (Case c : cases) {
      try (Endpoint e = new Endpoint(c.behaviour())) {
        ProbeResult r = once(at(e.port(), c.protocol()));
        assertEquals(c.expected(), r.outcome(), c + ": " + r.detail());
        assertNull(r.anonymity());
      }
    }
  }

  @Test
  void aProxyShowingOurAddressIsTransparent() throws Exception {
    try (Endpoint e = new Endpoint(Behaviour.TRANSPARENT)) {
      ProbeResult r = once(at(e.port(), ProxyProtocol.HTTP));
      assertEquals(ProbeOutcome.OK, r.outcome(), r.detail());
      assertEquals(Anonymity.TRANSPARENT, r.anonymity());
    }
  }

  @Test
  void refusedAndTimedOutConnectsAreRetriedAndNumbered() throws Exception {
    int closedPort = ProbeFixtures.freePort();
    ProxyChecker retrying = new ProxyChecker(settings(2, LOOPBACK_ALLOWED),
        ProxyChecker.sharedGroup(1));
    List<ProbeResult> attempts = retrying.check(at(closedPort, ProxyProtocol.HTTP)).join();
    assertEquals(List.of(1, 2, 3), attempts.stream().map(ProbeResult::attempt).toList());
    assertTrue(attempts.stream().allMatch(a -> a.outcome() == ProbeOutcome.REFUSED));
    SEEN.add(ProbeOutcome.REFUSED);
    try (ProbeFixtures.FullBacklog full = new ProbeFixtures.FullBacklog()) {
      ProbeResult r = once(at(full.port(), ProxyProtocol.SOCKS5));
      assertEquals(ProbeOutcome.CONNECT_TIMEOUT, r.outcome(), r.detail());
      assertNull(r.connectMs());
    }
    // A non-retryable outcome ends the check at its first attempt.
    try (Endpoint e = new Endpoint(Behaviour.NO_MARKER)) {
      assertEquals(1, retrying.check(at(e.port(), ProxyProtocol.HTTP)).join().size());
    }
  }

  @Test
  void specialPurposeAddressesAreRefusedUnlessInProbeAllowNetworks() {
    for (Networks allow : List.of(Networks.NONE, Networks.parse("10.0.0.0/8, 127.0.0.2/32"))) {
      ProxyChecker production = new ProxyChecker(settings(0, allow), ProxyChecker.sharedGroup(1));
      List<ProbeResult> r = production.check(at(tinyproxy.port, ProxyProtocol.HTTP)).join();
      assertEquals(ProbeOutcome.NOT_ALLOWED, r.get(0).outcome(), "allowed: " + allow);
      assertNull(r.get(0).connectMs());
    }
    SEEN.add(ProbeOutcome.NOT_ALLOWED);
    ProxyChecker demo = new ProxyChecker(settings(0, Networks.parse("127.0.0.1/32")),
        ProxyChecker.sharedGroup(1));
    ProbeResult ok = demo.check(at(tinyproxy.port, ProxyProtocol.HTTP)).join().get(0);
    assertEquals(ProbeOutcome.OK, ok.outcome(), ok.detail());
  }

  @Test
  void aProxyAnsweringInTheJudgesPlaceIsAJudgeMismatch() throws Exception {
    // Forged: the marker echoed from our request, an origin and headers of the proxy's choice.
    try (Endpoint forger = new Endpoint(Behaviour.FORGE_JUDGE);
        Endpoint tamperer = new Endpoint(Behaviour.TAMPER_JUDGE)) {
      ProbeResult forged = once(at(forger.port(), ProxyProtocol.HTTP));
      assertEquals(ProbeOutcome.JUDGE_MISMATCH, forged.outcome(), forged.detail());
      assertEquals("200 with an unsigned judge report", forged.detail());
      assertNull(forged.exitIp(), "nothing of a forged report is believed");
      assertNull(forged.anonymity());
      ProbeResult tampered = once(at(tamperer.port(), ProxyProtocol.HTTP));
      assertEquals(ProbeOutcome.JUDGE_MISMATCH, tampered.outcome(), tampered.detail());
      assertEquals("200 with a forged judge report", tampered.detail());
    }
    // The real judge's answer, checked with another key, is as good as forged.
    JudgeKey other = JudgeKey.of(new byte[32]);
    ProbeResult r = new ProxyChecker(settings(0, LOOPBACK_ALLOWED, other),
        ProxyChecker.sharedGroup(1)).check(at(tinyproxy.port, ProxyProtocol.HTTP)).join().get(0);
    assertEquals(ProbeOutcome.JUDGE_MISMATCH, r.outcome(), r.detail());
  }

  @Test
  void theJudgeListedAsAProxyIsNoProxy() throws Exception {
    // The judge takes absolute-form requests, so listed as an http proxy it answered our own
    // request, signed, with our own address as the origin: ok and elite, a place in the pool.
    try (JudgeServer second = JudgeServer.start("127.0.0.2", 0, "/judge", 1,
        ProbeFixtures.JUDGE_KEY)) {
      ProxyChecker c = new ProxyChecker(ProbeSettings.of(second.url(), 500, 1000, 1500, 0, 64,
          64, 1000, 0, Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY),
          ProxyChecker.sharedGroup(1));
      int port = ((java.net.InetSocketAddress) second.channel().localAddress()).getPort();
      ProbeResult r = c.check(new ProbeTarget("127.0.0.2", port, ProxyProtocol.HTTP, "test"))
          .join().get(0);
      assertEquals(ProbeOutcome.JUDGE_MISMATCH, r.outcome(), r.detail());
      assertNull(r.anonymity());
      // A real proxy in front of the same judge is still one.
      ProbeResult ok = c.check(at(tinyproxy.port, ProxyProtocol.HTTP)).join().get(0);
      assertEquals(ProbeOutcome.OK, ok.outcome(), ok.detail());
    }
  }

  @Test
  void aFakeProxyThatTakesEveryRequestToOneJudgePortIsAJudgeMismatch() throws Exception {
    // A relay (socat, a TCP balancer) listed as an http proxy, or a fake https proxy that opens
    // every CONNECT to the judge, delivered our request, the judge signed it and the check
    // passed: a place in the pool for a host that goes nowhere else. With the judge listed on
    // two ports, each check asks for one at random, and the judge signs the port it was reached
    // on: a check asking for the other port finds it out.
    try (JudgeServer twoPorts = JudgeServer.start("127.0.0.1", List.of(0, 0), "/judge", 1,
            ProbeFixtures.JUDGE_KEY);
        Endpoint relay = Endpoint.relayTo(Behaviour.RELAY, twoPorts.ports().get(0));
        Endpoint fakeConnect = Endpoint.relayTo(Behaviour.FAKE_CONNECT,
            twoPorts.ports().get(0))) {
      // 72 checks one after another through thread-per-connection relays: a generous response
      // timeout, so that a busy machine does not turn one into a response_timeout.
      ProxyChecker c = new ProxyChecker(ProbeSettings.of(String.join(",", twoPorts.urls()), 2000,
          3000, 5000, 0, 64, 64, 1000, 0, Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY),
          ProxyChecker.sharedGroup(1));
      String wrongPort = "the judge was reached on port " + twoPorts.ports().get(0)
          + ", not the requested " + twoPorts.ports().get(1)
          + ": the endpoint does not go where it is asked";
      for (ProbeTarget fake : List.of(at(relay.port(), ProxyProtocol.HTTP),
          at(fakeConnect.port(), ProxyProtocol.HTTPS))) {
        int ok = 0;
        int caught = 0;
        for (int i = 0; i < 24; i++) {
          ProbeResult r = c.check(fake).join().get(0);
          if (r.outcome() == ProbeOutcome.OK) {
            ok++;
          } else {
            assertEquals(ProbeOutcome.JUDGE_MISMATCH, r.outcome(), r.detail());
            assertEquals(wrongPort, r.detail());
            assertNull(r.anonymity());
            caught++;
          }
        }
        // Half its checks, at random: which port a check asks for is not the proxy's to know.
        assertTrue(caught > 0 && ok > 0, fake + ": " + ok + " ok, " + caught + " caught");
      }
      // Real proxies go where they are asked, to either port, every time.
      for (ProbeTarget real : List.of(at(tinyproxy.port, ProxyProtocol.HTTP),
          at(tinyproxy.port, ProxyProtocol.HTTPS), at(dante.port, ProxyProtocol.SOCKS5))) {
        for (int i = 0; i < 8; i++) {
          ProbeResult r = c.check(real).join().get(0);
          assertEquals(ProbeOutcome.OK, r.outcome(), real + ": " + r.detail());
        }
      }
    }
  }

  @Test
  void aJudgeThatSignsNoPortFailsEveryCheckWhenSeveralPortsAreListedAndSaysWhy()
      throws Exception {
    try (Endpoint oldA = new Endpoint(Behaviour.OLD_JUDGE);
        Endpoint oldB = new Endpoint(Behaviour.OLD_JUDGE)) {
      String a = "http://127.0.0.1:" + oldA.port() + "/judge";
      String b = "http://127.0.0.1:" + oldB.port() + "/judge";
      ProxyChecker several = new ProxyChecker(ProbeSettings.of(a + "," + b, 500, 1000, 1500, 0,
          64, 64, 1000, 0, Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY),
          ProxyChecker.sharedGroup(1));
      for (int i = 0; i < 4; i++) {
        ProbeResult r = several.check(at(tinyproxy.port, ProxyProtocol.HTTP)).join().get(0);
        assertEquals(ProbeOutcome.JUDGE_MISMATCH, r.outcome(), r.detail());
        assertTrue(r.detail().startsWith("the judge's report names no port"), r.detail());
      }
      // Listed under one URL, as before, it still serves.
      ProxyChecker one = new ProxyChecker(ProbeSettings.of(a, 500, 1000, 1500, 0, 64, 64, 1000,
          0, Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY), ProxyChecker.sharedGroup(1));
      ProbeResult r = one.check(at(tinyproxy.port, ProxyProtocol.HTTP)).join().get(0);
      assertEquals(ProbeOutcome.OK, r.outcome(), r.detail());
    }
  }

  @Test
  void aProxyWhoseRequestsReachTheJudgeFromOurAddressIsStillAProxy() throws Exception {
    // A judge behind a load balancer that rewrites sources sees every request from one
    // address, which the direct request taught us as ours: origin-form requests, forwarded by a
    // proxy, are not the judge answering as a proxy.
    try (Endpoint behindBalancer = new Endpoint(Behaviour.TRANSPARENT,
        java.net.InetAddress.getByName("127.0.0.2"), java.net.InetAddress.getByName("127.0.0.1"))) {
      ProbeResult r = checker().check(new ProbeTarget("127.0.0.2", behindBalancer.port(),
          ProxyProtocol.HTTP, "test")).join().get(0);
      assertEquals(ProbeOutcome.OK, r.outcome(), r.detail());
    }
  }

  @Test
  void aSocks5PasswordRefusedWithAnyStatusIsAnAuthFailure() throws Exception {
    // Netty names only status 0xFF FAILURE; the usual 0x01 read "UNKNOWN(1)": handshake_failed.
    try (Endpoint e = new Endpoint(Behaviour.SOCKS5_AUTH_REFUSED)) {
      ProbeResult r = once(at(e.port(), ProxyProtocol.SOCKS5)
          .withCredentials(new ProxyCredentials.UserPassword("alice", "wrong")));
      assertEquals(ProbeOutcome.AUTH_FAILED, r.outcome(), r.detail());
    }
  }

  @Test
  void aProxysReasonPhraseNeitherChoosesTheFailureNorReachesTheDetailAsIs() throws Exception {
    // "403 timeout" was a handshake timeout (retried, "no handshake within"); "status: 407" in
    // the phrase an auth failure; and the phrase's escape sequence went into probes.detail.
    try (Endpoint e = new Endpoint(Behaviour.HOSTILE_REASON)) {
      ProbeResult r = once(at(e.port(), ProxyProtocol.HTTPS));
      assertEquals(ProbeOutcome.HANDSHAKE_FAILED, r.outcome(), r.detail());
      assertTrue(r.detail().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), r.detail());
    }
  }

  @Test
  void theJudgeSendsNoCredentialBackInItsReport() throws Exception {
    // A proxy that passes our Proxy-Authorization on had the judge sign it and send it back.
    java.net.URI url = java.net.URI.create(judge.url());
    try (java.net.Socket s = new java.net.Socket(url.getHost(), url.getPort())) {
      s.getOutputStream().write(("GET /judge/abcdefgh12345678 HTTP/1.1\r\nHost: judge\r\n"
          + "Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r\nAuthorization: Bearer tok123\r\n"
          + "Cookie: sid=abc123\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      for (String secret : new String[] {"YWxpY2U6czNjcmV0", "tok123", "abc123"}) {
        assertFalse(response.contains(secret), response);
      }
      JudgeReport report = JudgeReport.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertTrue(ProbeFixtures.JUDGE_KEY.verifies(report), "still signed: " + report);
      assertTrue(report.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase(
          "proxy-authorization")), "that it was forwarded is kept: " + report.headers());
    }
  }

  @Test
  void oneHostsStallingPortsHoldUpNoOtherHost() throws Exception {
    // The starting thread waited on the busy host's slots: six ports of one host that never
    // answer, two at a time, kept a working proxy on another host waiting 3 s behind them.
    List<Endpoint> stalling = new ArrayList<>();
    try (Endpoint other = new Endpoint(Behaviour.TRANSPARENT,
        java.net.InetAddress.getByName("127.0.0.2"))) {
      List<ProbeTarget> targets = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        stalling.add(new Endpoint(Behaviour.BLACKHOLE));
        targets.add(at(stalling.get(i).port(), ProxyProtocol.HTTP));
      }
      targets.add(new ProbeTarget("127.0.0.2", other.port(), ProxyProtocol.HTTP, "test"));
      ProxyChecker c = new ProxyChecker(ProbeSettings.of(judge.url(), 500, 1000, 1500, 0, 64, 2,
          64, 0, Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY), ProxyChecker.sharedGroup(1));
      long started = System.currentTimeMillis();
      List<ProbeResult> results = c.checkAll(targets.iterator());
      assertEquals(7, results.size());
      ProbeResult good = results.stream().filter(r -> r.target().ip().equals("127.0.0.2"))
          .findFirst().orElseThrow();
      assertEquals(ProbeOutcome.OK, good.outcome(), good.detail());
      assertTrue(good.startedAtMs() - started < 1_000,
          "the other host's check started " + (good.startedAtMs() - started) + " ms in");
      // The busy host's own limit still holds: its six ports took three rounds.
      assertTrue(results.stream().filter(r -> r.target().ip().equals("127.0.0.1"))
          .mapToLong(ProbeResult::startedAtMs).max().orElseThrow() - started >= 2 * 1_400);
    } finally {
      for (Endpoint e : stalling) {
        e.close();
      }
    }
  }

  @Test
  void ownAddressComesFromTheJudge() {
    ProxyChecker c = checker();
    assertEquals("127.0.0.1", c.discoverOwnAddress());
    assertTrue(c.ownAddresses().contains("127.0.0.1"));
  }

  @Test
  void checkAllKeepsThePerHostAndConcurrencyLimits() throws Exception {
    try (Endpoint slow = new Endpoint(Behaviour.SLOW)) {
      List<ProbeTarget> targets = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        targets.add(at(slow.port(), ProxyProtocol.HTTP));
      }
      ProbeSettings perHost3 = ProbeSettings.of(judge.url(), 500, 1000, 3000, 0, 64, 3, 1000, 0,
          Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY);
      List<ProbeResult> results = new ProxyChecker(perHost3, ProxyChecker.sharedGroup(1))
          .checkAll(targets.iterator());
      assertEquals(40, results.size());
      assertTrue(slow.maxOpen.get() <= 3, "per-host cap: " + slow.maxOpen.get());

      slow.maxOpen.set(0);
      ProbeSettings wide = ProbeSettings.of(judge.url(), 500, 1000, 3000, 0, 8, 64, 1000, 0,
          Set.of(), LOOPBACK_ALLOWED, ProbeFixtures.JUDGE_KEY);
      results = new ProxyChecker(wide, ProxyChecker.sharedGroup(1)).checkAll(targets.iterator());
      assertEquals(40, results.size());
      assertTrue(results.stream().allMatch(r -> r.outcome() == ProbeOutcome.JUDGE_MISMATCH));
      assertTrue(slow.maxOpen.get() > 3 && slow.maxOpen.get() <= 8,
          "eight in flight on one event-loop thread: " + slow.maxOpen.get());
    }
  }

  @AfterAll
  static void everyClassButThoseOnlyTheFeedingPathMakesWasSeen() {
    EnumSet<ProbeOutcome> expected = EnumSet.allOf(ProbeOutcome.class);
    assertEquals(expected, SEEN, "outcome classes asserted through real endpoints");
  }
}
