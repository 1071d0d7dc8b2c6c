package io.ippipe.common.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointEvidenceTest {
  private static final double[] P = {0.5, 0.9, 0.99};

  /** The value at rank ceil(p * n) of the sorted values: percentile_approx on a small group. */
  private static double[] exact(List<Double> values, double... p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = sorted[(int) Math.max(1, Math.ceil(p[i] * sorted.length)) - 1];
    }
    return out;
  }

  private static void success(EndpointEvidence e, long ms, String target) {
    e.add(RequestOutcome.SUCCESS, ms, 100, 1_000L, false, false, target);
  }

  @Test
  void quantilesAreExactWhateverTheSplitIntoTasks() {
    Random random = new Random(7);
    for (int n : new int[] {1, 2, 3, 10, 99, 100, 511, 512, 513, 1025, 5000}) {
      List<Double> values = new ArrayList<>();
      EndpointEvidence whole = new EndpointEvidence();
      EndpointEvidence[] parts = {new EndpointEvidence(), new EndpointEvidence(),
          new EndpointEvidence()};
      for (int i = 0; i < n; i++) {
        long ms = random.nextInt(5000);
        values.add((double) ms);
        success(whole, ms, null);
        success(parts[random.nextInt(parts.length)], ms, null);
      }
      EndpointEvidence merged = new EndpointEvidence();
      for (EndpointEvidence part : parts) {
        merged.merge(EndpointEvidence.fromBytes(part.toBytes()));
      }
      assertArrayEquals(exact(values, P), whole.latencyQuantiles(P), "n=" + n);
      assertArrayEquals(exact(values, P), merged.latencyQuantiles(P), "merged, n=" + n);
    }
  }

  /**
   * A Zipf-popular endpoint: 200 000 latencies over 8 tasks, merged in task order, in reverse
   * and as a tree (one executor or two) give the same, exact quantiles, in bytes that grow with
   * the distinct latencies, not with the requests.
   */
  @Test
  void manyLatenciesMergeInAnyOrderToTheSameExactQuantiles() {
    Random random = new Random(11);
    int n = 200_000;
    List<Double> all = new ArrayList<>();
    List<byte[]> tasks = new ArrayList<>();
    for (int task = 0; task < 8; task++) {
      EndpointEvidence part = new EndpointEvidence();
      for (int i = task; i < n; i += 8) {
        long ms = Math.min(30_000, (long) (50 + 1000 * -Math.log(1 - random.nextDouble())));
        all.add((double) ms);
        success(part, ms, null);
      }
      tasks.add(part.toBytes());
    }
    EndpointEvidence forward = new EndpointEvidence();
    tasks.forEach(t -> forward.merge(EndpointEvidence.fromBytes(t)));
    EndpointEvidence backward = new EndpointEvidence();
    for (int t = tasks.size() - 1; t >= 0; t--) {
      backward.merge(EndpointEvidence.fromBytes(tasks.get(t)));
    }
    EndpointEvidence left = EndpointEvidence.fromBytes(tasks.get(0));
    EndpointEvidence right = EndpointEvidence.fromBytes(tasks.get(4));
    for (int t = 1; t < 4; t++) {
      left.merge(EndpointEvidence.fromBytes(tasks.get(t)));
      right.merge(EndpointEvidence.fromBytes(tasks.get(t + 4)));
    }
    left.merge(EndpointEvidence.fromBytes(right.toBytes()));
    double[] want = exact(all, P);
    assertArrayEquals(want, forward.latencyQuantiles(P));
    assertArrayEquals(want, backward.latencyQuantiles(P));
    assertArrayEquals(want, left.latencyQuantiles(P));
    assertEquals(n, forward.successes());
    long distinct = all.stream().distinct().count();
    assertTrue(forward.toBytes().length <= 200 + 16 * distinct,
        forward.toBytes().length + " bytes for " + distinct + " distinct latencies");
  }

  @Test
  void countsOutcomesBytesExitsAndTimesAndMergesThem() {
    EndpointEvidence a = new EndpointEvidence();
    a.add(RequestOutcome.SUCCESS, 120L, 10, 5_000L, true, false, "a.example");
    a.add(RequestOutcome.BAN, 30L, 20, 3_000L, true, true, "b.example");
    a.add(RequestOutcome.SUCCESS, null, 1, 9_000L, false, false, "a.example");
    EndpointEvidence b = new EndpointEvidence();
    b.add(RequestOutcome.CONNECT_FAILURE, null, 0, 1_000L, false, false, null);
    b.add(RequestOutcome.UPSTREAM_ERROR, 80L, 5, 7_000L, false, false, "c.example");
    a.merge(EndpointEvidence.fromBytes(b.toBytes()));
    assertEquals(5, a.attempts());
    assertEquals(2, a.successes());
    assertEquals(1, a.bans());
    assertEquals(1, a.connectFailures());
    assertEquals(1, a.upstreamErrors());
    assertEquals(36, a.bytes());
    assertEquals(2, a.exitObserved());
    assertEquals(1, a.exitMismatches());
    assertEquals(1_000L, a.firstSeenMicros());
    assertEquals(9_000L, a.lastSeenMicros());
    assertEquals(3, a.distinctTargets());
    // Only successes with a latency count: the ban's 30 ms and the error's 80 ms do not.
    assertArrayEquals(new double[] {120, 120, 120}, a.latencyQuantiles(P));
  }

  @Test
  void noSuccessfulLatencyGivesNoQuantiles() {
    EndpointEvidence e = new EndpointEvidence();
    e.add(RequestOutcome.SUCCESS, null, 0, 1L, false, false, null);
    e.add(RequestOutcome.BAN, 10L, 0, 1L, false, false, null);
    assertNull(e.latencyQuantiles(P));
    assertNull(EndpointEvidence.fromBytes(e.toBytes()).latencyQuantiles(P));
    assertEquals(0, e.distinctTargets());
  }

  @Test
  void distinctTargetsAreExactOnSmallSetsAcrossTasks() {
    EndpointEvidence merged = new EndpointEvidence();
    for (int task = 0; task < 4; task++) {
      EndpointEvidence part = new EndpointEvidence();
      for (int i = 0; i < 200; i++) {
        // Every task sees the same 100 hosts and 50 of its own.
        success(part, 10, i % 2 == 0 ? "shared-" + (i / 2) + ".example"
            : "task" + task + "-" + (i / 4) + ".example");
      }
      merged.merge(EndpointEvidence.fromBytes(part.toBytes()));
    }
    assertEquals(100 + 4 * 50, merged.distinctTargets());
  }

  /**
   * An endpoint with thousands of targets (a sketch past its exact modes) merged with a task
   * that saw no target host: the same estimate whichever side comes first.
   */
  @Test
  void manyTargetsMergeInAnyOrderToTheSameEstimate() {
    EndpointEvidence many = new EndpointEvidence();
    for (int i = 0; i < 5_000; i++) {
      success(many, 10, "host-" + i + ".example");
    }
    EndpointEvidence none = new EndpointEvidence();
    none.add(RequestOutcome.BAN, null, 100, 2_000L, false, false, null);

    EndpointEvidence manyFirst = EndpointEvidence.fromBytes(many.toBytes());
    manyFirst.merge(EndpointEvidence.fromBytes(none.toBytes()));
    EndpointEvidence noneFirst = EndpointEvidence.fromBytes(none.toBytes());
    noneFirst.merge(EndpointEvidence.fromBytes(many.toBytes()));

    assertEquals(manyFirst.distinctTargets(), noneFirst.distinctTargets());
    assertArrayEquals(manyFirst.toBytes(), noneFirst.toBytes());
  }
}
