package io.ippipe.common.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.probe.RecheckPolicy.Reason;
import org.junit.jupiter.api.Test;

class RecheckPolicyTest {
  static final long HOUR = 3_600_000L;
  final RecheckPolicy policy = RecheckPolicy.from(PipelineConfig.defaults());
  final RecheckPolicy exact = new RecheckPolicy(60, 72, 24, 12, 336, 0);

  @Test
  void newFirstThenFailingThenTheRest() {
    long now = 1_000 * HOUR;
    assertEquals(Reason.NEW, policy.due(null, 0, null, now));
    assertEquals(Reason.FAILING, policy.due(now, 3, 90.0, now));
    assertEquals(Reason.HEALTHY, policy.due(now - 1, 0, 60.0, now));
    assertEquals(Reason.REGULAR, policy.due(now - 1, 0, 59.9, now));
    assertEquals(Reason.REGULAR, policy.due(now - 1, 0, null, now));
    assertNull(policy.due(now + 1, 5, null, now));
    assertTrue(Reason.NEW.ordinal() < Reason.FAILING.ordinal());
  }

  @Test
  void failuresBackOffExponentiallyUpToTheCap() {
    assertEquals(12, exact.waitHours(1, null));
    assertEquals(24, exact.waitHours(2, null));
    assertEquals(96, exact.waitHours(4, null));
    assertEquals(336, exact.waitHours(6, null));
    assertEquals(336, exact.waitHours(1000, null));
    assertEquals(72, exact.waitHours(0, 80.0));
    assertEquals(24, exact.waitHours(0, 10.0));
    assertEquals(5 * HOUR + 24 * HOUR, exact.nextDueMs("a", 5 * HOUR, 0, null));
  }

  @Test
  void jitterSpreadsWithinItsShareAndIsRepeatable() {
    long now = 500 * HOUR;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 2000; i++) {
      long due = policy.nextDueMs("203.0.113." + (i % 250) + ":" + (8000 + i), now, 0, 90.0);
      assertEquals(due, policy.nextDueMs("203.0.113." + (i % 250) + ":" + (8000 + i), now, 0, 90.0));
      min = Math.min(min, due - now);
      max = Math.max(max, due - now);
    }
    double wait = 72 * HOUR;
    assertTrue(min >= wait * 0.8 && max <= wait * 1.2, min + " " + max);
    assertTrue(max - min > wait * 0.3, "the waits are actually spread: " + (max - min));
  }
}
