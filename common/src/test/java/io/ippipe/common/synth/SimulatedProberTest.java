package io.ippipe.common.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.probe.ProbeOutcome;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedProberTest {
  static final long DAY = 1_793_491_200_000L; // 2026-11-01T00:00Z
  static final long SEED = 20261125L;

  static List<ProbeTarget> targets(String prefix, int n) {
    List<ProbeTarget> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ProbeTarget(prefix + i, 8080, ProxyProtocol.HTTP, "s1"));
    }
    return out;
  }

  static Map<String, SimulatedProber.Endpoint> truth(List<ProbeTarget> targets, String state,
      double service, String exitIp) {
    Map<String, SimulatedProber.Endpoint> m = new HashMap<>();
    for (ProbeTarget t : targets) {
      m.put(SimulatedProber.key(t.ip(), t.port()),
          new SimulatedProber.Endpoint(state, service, "residential", exitIp));
    }
    return m;
  }

  static long passed(List<ProbeResult> results) {
    return results.stream().filter(r -> r.outcome() == ProbeOutcome.OK).count();
  }

  @Test
  void aDeadProxyNeverAnswersAndEachCheckIsRetriedAsTheNetworkCheckerWould() {
    List<ProbeTarget> dead = targets("10.0.0.", 200);
    List<ProbeResult> results = new SimulatedProber(truth(dead, "dead", 0.0, null), SEED, DAY, 1,
        3000, 10_000).checkAll(dead);
    assertEquals(0, passed(results));
    for (ProbeResult r : results) {
      assertTrue(r.outcome() == ProbeOutcome.CONNECT_TIMEOUT || r.outcome() == ProbeOutcome.REFUSED,
          r.toString());
    }
    // Both failures are retryable: every check has a second attempt (probe.retries 1), no third.
    assertEquals(200, results.stream().filter(r -> r.attempt() == 2).count());
    assertEquals(400, results.size());
    long timeouts = results.stream().filter(r -> r.attempt() == 1
        && r.outcome() == ProbeOutcome.CONNECT_TIMEOUT).count();
    assertTrue(timeouts > 100 && timeouts < 180, "timeouts " + timeouts);
  }

  @Test
  void checksPassAsOftenAsTheProxyServesWhateverTheTargetsBan() {
    List<ProbeTarget> banned = targets("10.1.0.", 2000);
    List<ProbeResult> results = new SimulatedProber(truth(banned, "banned", 0.9, null), SEED, DAY,
        0, 3000, 10_000).checkAll(banned);
    assertEquals(2000, results.size());
    double rate = passed(results) / 2000.0;
    assertEquals(0.9, rate, 0.03);
    for (ProbeResult r : results) {
      if (r.outcome() == ProbeOutcome.OK) {
        assertTrue(r.exitIpMatches());
        assertTrue(r.totalMs() > 0);
      }
    }
  }

  @Test
  void aTransientFailureIsTriedAgainAsTheNetworkCheckerTriesIt() {
    List<ProbeTarget> flaky = targets("10.5.0.", 2000);
    Map<String, SimulatedProber.Endpoint> truth = truth(flaky, "degraded", 0.6, null);
    List<ProbeResult> once = new SimulatedProber(truth, SEED, DAY, 0, 3000, 10_000)
        .checkAll(flaky);
    List<ProbeResult> twice = new SimulatedProber(truth, SEED, DAY, 1, 3000, 10_000)
        .checkAll(flaky);
    assertEquals(0.6, passed(once) / 2000.0, 0.035);
    // 1 - 0.4^2: a check passes when either of its two attempts does.
    assertEquals(0.84, passed(twice) / 2000.0, 0.03);
    // A retry starts after the attempt it follows, within the same day.
    Map<String, Long> firstStart = new HashMap<>();
    for (ProbeResult r : twice) {
      String k = r.target().ip();
      if (r.attempt() == 1) {
        firstStart.put(k, r.startedAtMs());
      } else {
        assertTrue(r.startedAtMs() > firstStart.get(k), r.toString());
      }
      assertTrue(r.startedAtMs() >= DAY && r.startedAtMs() < DAY + 86_400_000L);
    }
  }

  @Test
  void anotherSeedDrawsOtherChecks() {
    List<ProbeTarget> flaky = targets("10.6.0.", 500);
    Map<String, SimulatedProber.Endpoint> truth = truth(flaky, "degraded", 0.5, null);
    assertFalse(outcomes(new SimulatedProber(truth, SEED, DAY, 0, 3000, 10_000).checkAll(flaky))
        .equals(outcomes(new SimulatedProber(truth, SEED + 1, DAY, 0, 3000, 10_000)
            .checkAll(flaky))));
  }

  @Test
  void anExitElsewhereIsReportedAndAnUnknownEndpointRefuses() {
    List<ProbeTarget> moved = targets("10.2.0.", 50);
    Map<String, SimulatedProber.Endpoint> truth = truth(moved, "ok", 1.0, "10.9.9.9");
    List<ProbeResult> results = new SimulatedProber(truth, SEED, DAY, 1, 3000, 10_000)
        .checkAll(moved);
    assertEquals(50, passed(results));
    results.forEach(r -> assertFalse(r.exitIpMatches()));

    List<ProbeResult> unknown = new SimulatedProber(truth, SEED, DAY, 1, 3000, 10_000)
        .checkAll(targets("10.3.0.", 5));
    unknown.forEach(r -> assertEquals(ProbeOutcome.REFUSED, r.outcome()));
  }

  @Test
  void theSameDayChecksTheSameWayAndAnotherDayDraws() {
    List<ProbeTarget> flaky = targets("10.4.0.", 500);
    Map<String, SimulatedProber.Endpoint> truth = truth(flaky, "degraded", 0.5, null);
    SimulatedProber today = new SimulatedProber(truth, SEED, DAY, 1, 3000, 10_000);
    List<ProbeOutcome> first = outcomes(today.checkAll(flaky));
    List<ProbeOutcome> again = outcomes(new SimulatedProber(truth, SEED, DAY, 1, 3000, 10_000)
        .checkAll(flaky));
    List<ProbeOutcome> nextDay = outcomes(new SimulatedProber(truth, SEED, DAY + 86_400_000L, 1,
        3000, 10_000).checkAll(flaky));
    assertEquals(first, again);
    assertFalse(first.equals(nextDay));
  }

  static List<ProbeOutcome> outcomes(List<ProbeResult> results) {
    return results.stream().map(ProbeResult::outcome).toList();
  }
}
