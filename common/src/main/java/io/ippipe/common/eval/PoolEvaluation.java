package io.ippipe.common.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures a published pool against the simulation's hidden truth, one day after the other, and
 * the baselines on the same evidence at the same pool size (docs/score.md, "Measuring the
 * pool"). Spark-free: the caller joins each day's truth, scores and pool into {@link ProxyDay}
 * rows; this keeps what the metrics need across days (yesterday's pools and qualities, the
 * recoveries still waited for).
 */
public final class PoolEvaluation {
  /** True quality at or above this is good; below {@link #BAD} bad (issue 19). */
  public static final double GOOD = 0.8;
  public static final double BAD = 0.5;
  /** A proxy that went bad with this many requests that day must leave at that day's run. */
  public static final long REACTION_MIN_REQUESTS = 20;
  /** A proxy that recovered must be back within this many days. */
  public static final int RETURN_DAYS = 2;

  /**
   * One policy's pool on one day.
   *
   * @param precision share of the pool with true quality of at least {@link #GOOD}
   * @param recall share of the good proxies with evidence that are in the pool
   * @param badExposure share of the pool's traffic (Zipf popularity) that goes to proxies of
   *     true quality below {@link #BAD}
   * @param churn share of yesterday's pool members, good and listed both days, that left
   * @param wentBad proxies in yesterday's pool that went bad today with at least
   *     {@link #REACTION_MIN_REQUESTS} requests; {@code leftSameDay} of them are out today
   * @param recoveries recoveries (bad yesterday, good today, with evidence) settled so far;
   *     {@code returned} of them were back in the pool within {@link #RETURN_DAYS} days
   */
  public record Metrics(String policy, int size, double precision, double recall,
      double badExposure, double churn, int wentBad, int leftSameDay, int recoveries,
      int returned) {}

  /**
   * A day of the evaluation: the population, ippipe's rank correlation, every policy.
   *
   * @param rateSpearman the same correlation for the day's raw success rate, over the same
   *     proxies: a simple baseline, and near what a day's evidence can tell apart at all
   */
  public record Day(int day, int listed, int good, int goodWithEvidence, double spearman,
      double rateSpearman, List<Metrics> policies) {

    public Metrics policy(String name) {
      return policies.stream().filter(m -> m.policy().equals(name)).findFirst().orElseThrow();
    }
  }

  public static final String IPPIPE = "ippipe";

  private final List<Baseline> baselines;
  private final Map<String, Set<String>> previousPool = new HashMap<>();
  private final Map<String, Map<String, Integer>> waitingReturn = new HashMap<>();
  private final Map<String, int[]> recoveryTally = new HashMap<>();
  private Map<String, Double> previousQuality = Map.of();
  private int day = -1;

  public PoolEvaluation(List<Baseline> baselines) {
    this.baselines = baselines;
  }

  /** Measures the next day: its rows are every endpoint the truth, scores or pool name. */
  public Day measure(List<ProxyDay> rows) {
    day++;
    for (Baseline b : baselines) {
      b.observe(rows);
    }
    Map<String, Set<String>> pools = new LinkedHashMap<>();
    Set<String> ippipe = new HashSet<>();
    for (ProxyDay p : rows) {
      if (p.inPool()) {
        ippipe.add(p.key());
      }
    }
    pools.put(IPPIPE, ippipe);
    for (Baseline b : baselines) {
      pools.put(b.name(), b.select(rows, ippipe.size()));
    }
    int listed = 0;
    int good = 0;
    int goodWithEvidence = 0;
    for (ProxyDay p : rows) {
      listed += p.listed() ? 1 : 0;
      if (p.listed() && p.quality() >= GOOD) {
        good++;
        goodWithEvidence += p.hasEvidence() ? 1 : 0;
      }
    }
    List<Metrics> metrics = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : pools.entrySet()) {
      metrics.add(metrics(e.getKey(), e.getValue(), rows, goodWithEvidence));
    }
    Map<String, Double> quality = new HashMap<>();
    for (ProxyDay p : rows) {
      quality.put(p.key(), p.servedQuality());
    }
    previousQuality = quality;
    previousPool.clear();
    previousPool.putAll(pools);
    return new Day(day, listed, good, goodWithEvidence, spearman(rows, ProxyDay::score),
        spearman(rows, p -> p.attempts() == 0 ? Double.NaN
            : (double) p.successes() / p.attempts()), metrics);
  }

  private Metrics metrics(String policy, Set<String> pool, List<ProxyDay> rows,
      int goodWithEvidence) {
    Set<String> before = previousPool.getOrDefault(policy, Set.of());
    Map<String, Integer> waiting = waitingReturn.computeIfAbsent(policy, k -> new HashMap<>());
    int[] tally = recoveryTally.computeIfAbsent(policy, k -> new int[2]);
    int members = 0;
    int goodMembers = 0;
    int recalled = 0;
    double traffic = 0;
    double badTraffic = 0;
    int stable = 0;
    int left = 0;
    int wentBad = 0;
    int leftSameDay = 0;
    for (ProxyDay p : rows) {
      boolean in = pool.contains(p.key());
      double q = p.servedQuality();
      Double was = previousQuality.get(p.key());
      if (in) {
        members++;
        goodMembers += q >= GOOD ? 1 : 0;
        traffic += p.trafficShare();
        badTraffic += q < BAD ? p.trafficShare() : 0;
      }
      if (p.listed() && q >= GOOD && p.hasEvidence() && in) {
        recalled++;
      }
      if (was != null && before.contains(p.key())) {
        if (was >= GOOD && q >= GOOD) {
          stable++;
          left += in ? 0 : 1;
        }
        if (was >= GOOD && q < BAD && p.attempts() >= REACTION_MIN_REQUESTS) {
          wentBad++;
          leftSameDay += in ? 0 : 1;
        }
      }
      if (was != null && was < BAD && q >= GOOD && p.hasEvidence()) {
        waiting.put(p.key(), day);
      }
      Integer since = waiting.get(p.key());
      if (since != null) {
        if (in) {
          tally[0]++;
          tally[1]++;
          waiting.remove(p.key());
        } else if (q < GOOD) {
          waiting.remove(p.key());  // bad again before it could return: no verdict
        } else if (day - since >= RETURN_DAYS) {
          tally[0]++;
          waiting.remove(p.key());
        }
      }
    }
    return new Metrics(policy, members, ratio(goodMembers, members),
        ratio(recalled, goodWithEvidence), traffic == 0 ? 0 : badTraffic / traffic,
        ratio(left, stable), wentBad, leftSameDay, tally[0], tally[1]);
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }

  /**
   * Spearman's rho of a ranking and the true quality, over the listed proxies with evidence that
   * ippipe scored and that have {@code attempts} (so that both rankings see the same proxies).
   */
  static double spearman(List<ProxyDay> rows, java.util.function.ToDoubleFunction<ProxyDay> rank) {
    List<double[]> pairs = new ArrayList<>();
    for (ProxyDay p : rows) {
      if (p.listed() && p.hasEvidence() && !Double.isNaN(p.score()) && p.attempts() > 0) {
        pairs.add(new double[] {rank.applyAsDouble(p), p.quality()});
      }
    }
    return spearman(pairs);
  }

  /** Pearson correlation of the average ranks (ties share their mean rank). */
  public static double spearman(List<double[]> pairs) {
    int n = pairs.size();
    if (n < 3) {
      return Double.NaN;
    }
    double[] ra = ranks(pairs, 0);
    double[] rb = ranks(pairs, 1);
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += ra[i];
      mb += rb[i];
    }
    ma /= n;
    mb /= n;
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < n; i++) {
      cov += (ra[i] - ma) * (rb[i] - mb);
      va += (ra[i] - ma) * (ra[i] - ma);
      vb += (rb[i] - mb) * (rb[i] - mb);
    }
    return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
  }

  private static double[] ranks(List<double[]> pairs, int column) {
    int n = pairs.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(pairs.get(a)[column], pairs.get(b)[column]));
    double[] rank = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && pairs.get(order[j + 1])[column] == pairs.get(order[i])[column]) {
        j++;
      }
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = mean;
      }
      i = j + 1;
    }
    return rank;
  }

  /** The day as a text table, one row per policy. */
  public static String table(Day d) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "day %d: %d listed, %d good (%d with evidence),"
        + " spearman(score, quality) %.3f (raw success rate %.3f)%n", d.day(), d.listed(),
        d.good(), d.goodWithEvidence(), d.spearman(), d.rateSpearman()));
    s.append(String.format(Locale.ROOT, "  %-14s %7s %9s %7s %8s %7s %10s %10s%n", "policy", "pool",
        "precision", "recall", "bad_exp", "churn", "left@0", "back<=2d"));
    for (Metrics m : d.policies()) {
      s.append(String.format(Locale.ROOT, "  %-14s %7d %9.4f %7.4f %8.4f %7.4f %10s %10s%n",
          m.policy(), m.size(), m.precision(), m.recall(), m.badExposure(), m.churn(),
          m.leftSameDay() + "/" + m.wentBad(), m.returned() + "/" + m.recoveries()));
    }
    return s.toString();
  }

  /** Precision and recall of ippipe over the days, as rows of bars (the report's chart). */
  public static String chart(List<Day> days) {
    StringBuilder s = new StringBuilder("ippipe precision (P) and recall (R), 0 to 1 in 50 columns\n");
    for (Day d : days) {
      Metrics m = d.policy(IPPIPE);
      s.append(String.format(Locale.ROOT, "  day %2d P %s %.3f%n", d.day(), bar(m.precision()),
          m.precision()));
      s.append(String.format(Locale.ROOT, "         R %s %.3f%n", bar(m.recall()), m.recall()));
    }
    return s.toString();
  }

  private static String bar(double v) {
    int n = Double.isNaN(v) ? 0 : (int) Math.round(Math.max(0, Math.min(1, v)) * 50);
    return "#".repeat(n) + ".".repeat(50 - n);
  }
}
