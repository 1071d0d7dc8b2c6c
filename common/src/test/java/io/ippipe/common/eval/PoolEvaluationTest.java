package io.ippipe.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolEvaluationTest {
  private static ProxyDay row(String key, double quality, double share, long attempts,
      long successes, double score, boolean inPool) {
    return new ProxyDay(key, true, quality, share, "supplier-01", attempts, successes, 100.0, 0,
        0, score, inPool);
  }

  @Test
  void baselinesCountActiveChecksAsTheTrialsTheyWereBuiltOn() {
    // Checked only, never used: ProxyPool and ProxyBroker judge proxies by their own checks.
    ProxyDay checkedGood = new ProxyDay("checked-good", true, 0.95, 0.1, "supplier-01", 0, 0,
        Double.NaN, 3, 3, 60, true);
    ProxyDay checkedDead = new ProxyDay("checked-dead", true, 0.0, 0.1, "supplier-01", 0, 0,
        Double.NaN, 12, 0, 20, false);
    for (Baseline b : Baseline.all()) {
      b.observe(List.of(checkedGood, checkedDead));
      assertEquals(Set.of("checked-good"), b.select(List.of(checkedGood, checkedDead), 1),
          b.name());
    }
  }

  @Test
  void precisionRecallAndExposureCountWhatTheTruthSays() {
    PoolEvaluation e = new PoolEvaluation(List.of());
    PoolEvaluation.Day d = e.measure(List.of(
        row("good-in", 0.95, 0.5, 100, 95, 90, true),
        row("bad-in", 0.2, 0.3, 10, 2, 45, true),
        row("good-out", 0.9, 0.1, 10, 9, 60, false),
        row("good-unseen", 0.9, 0.1, 0, 0, 50, false)));
    PoolEvaluation.Metrics m = d.policy(PoolEvaluation.IPPIPE);
    assertEquals(2, m.size());
    assertEquals(0.5, m.precision(), 1e-9);
    // good-unseen has no evidence: recall is 1 of the 2 good proxies that had some.
    assertEquals(0.5, m.recall(), 1e-9);
    assertEquals(0.3 / 0.8, m.badExposure(), 1e-9);
    assertEquals(1.0, d.spearman(), 1e-9);
  }

  @Test
  void theRawSuccessRateIsRankedBesideTheScore() {
    // A score that ranks against the truth beside a day's rates that rank with it.
    PoolEvaluation.Day d = new PoolEvaluation(List.of()).measure(List.of(
        row("a", 0.95, 0.4, 40, 38, 40, true),
        row("b", 0.6, 0.3, 40, 24, 70, true),
        row("c", 0.2, 0.3, 40, 8, 90, true)));
    assertEquals(-1.0, d.spearman(), 1e-9);
    assertEquals(1.0, d.rateSpearman(), 1e-9);
  }

  @Test
  void aProxyThatWentBadMustLeaveTheSameDayAndOneThatRecoveredReturnWithinTwoDays() {
    PoolEvaluation e = new PoolEvaluation(List.of());
    e.measure(List.of(row("a", 0.95, 0.5, 100, 95, 90, true), row("b", 0.1, 0.5, 100, 10, 10, false)));
    PoolEvaluation.Metrics m = e.measure(List.of(row("a", 0.1, 0.5, 100, 10, 70, true),
        row("b", 0.95, 0.5, 100, 95, 30, false))).policy(PoolEvaluation.IPPIPE);
    assertEquals(1, m.wentBad());
    assertEquals(0, m.leftSameDay(), "a stayed in the pool the day it went bad");
    assertEquals(0, m.recoveries(), "b's return is not settled on its first day");
    e.measure(List.of(row("a", 0.1, 0.5, 100, 10, 20, false), row("b", 0.95, 0.5, 100, 95, 40, false)));
    m = e.measure(List.of(row("a", 0.1, 0.5, 100, 10, 20, false),
        row("b", 0.95, 0.5, 100, 95, 55, false))).policy(PoolEvaluation.IPPIPE);
    assertEquals(1, m.recoveries());
    assertEquals(0, m.returned(), "b still out two days after it recovered");
    PoolEvaluation again = new PoolEvaluation(List.of());
    again.measure(List.of(row("b", 0.1, 0.5, 100, 10, 10, false)));
    again.measure(List.of(row("b", 0.95, 0.5, 100, 95, 30, false)));
    again.measure(List.of(row("b", 0.95, 0.5, 100, 95, 50, false)));
    m = again.measure(List.of(row("b", 0.95, 0.5, 100, 95, 60, true))).policy(PoolEvaluation.IPPIPE);
    assertEquals(1, m.returned(), "back on the second day after: in time");
  }

  @Test
  void churnCountsStableGoodMembersThatLeft() {
    PoolEvaluation e = new PoolEvaluation(List.of());
    e.measure(List.of(row("a", 0.95, 0.5, 100, 95, 90, true), row("b", 0.95, 0.5, 100, 95, 90, true)));
    PoolEvaluation.Metrics m = e.measure(List.of(row("a", 0.95, 0.5, 100, 95, 90, true),
        row("b", 0.95, 0.5, 100, 95, 30, false))).policy(PoolEvaluation.IPPIPE);
    assertEquals(0.5, m.churn(), 1e-9);
  }

  @Test
  void baselinesAreComparedAtIppipesPoolSize() {
    List<ProxyDay> day = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      day.add(row("p" + i, i < 5 ? 0.95 : 0.1, 0.1, 10, i < 5 ? 10 : 1, 50, i < 3));
    }
    PoolEvaluation e = new PoolEvaluation(Baseline.all());
    PoolEvaluation.Day d = e.measure(day);
    for (PoolEvaluation.Metrics m : d.policies()) {
      assertEquals(3, m.size(), m.policy());
    }
    // On clean evidence every baseline picks good proxies only.
    assertEquals(1.0, d.policy("errrate+lat").precision(), 1e-9);
    assertEquals(1.0, d.policy("sr>=0.5,n>=3").precision(), 1e-9);
  }

  @Test
  void theCounterDropsAProxyAtZeroAndASuccessSetsItTo100() {
    Baseline.Counter c = new Baseline.Counter();
    c.observe(List.of(row("dead", 0, 0.1, 12, 0, 0, false), row("ok", 0.9, 0.1, 3, 1, 0, false)));
    Set<String> pool = c.select(List.of(row("dead", 0, 0.1, 0, 0, 0, false),
        row("ok", 0.9, 0.1, 0, 0, 0, false)), 10);
    assertEquals(Set.of("ok"), pool, "10 - 12 failures is below 0: dropped");
  }

  @Test
  void spearmanOfReversedRanksIsMinusOneAndTiesShareRanks() {
    assertEquals(-1.0, PoolEvaluation.spearman(List.of(new double[] {1, 3}, new double[] {2, 2},
        new double[] {3, 1})), 1e-9);
    double tied = PoolEvaluation.spearman(List.of(new double[] {1, 1}, new double[] {1, 2},
        new double[] {2, 3}, new double[] {3, 4}));
    assertTrue(tied > 0.9 && tied < 1.0, "ties lower the correlation below 1: " + tied);
  }
}
