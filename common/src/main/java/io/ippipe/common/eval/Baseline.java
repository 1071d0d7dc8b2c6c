package io.ippipe.common.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pool selection policy of a popular open-source proxy pool, re-implemented on the evidence
 * ippipe itself has (the day's requests and active checks per endpoint, {@link
 * ProxyDay#trials()}), so that ippipe's pool can be compared with it at equal size. Each keeps
 * its own state across days, the way the original does.
 */
public abstract class Baseline {
  private final String name;

  protected Baseline(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Takes in the day's evidence (called once per day, in day order). */
  public abstract void observe(List<ProxyDay> day);

  /** Whether the policy would serve the proxy at all. */
  protected abstract boolean eligible(ProxyDay p);

  /** Best first. */
  protected abstract Comparator<ProxyDay> ranking();

  /**
   * The policy's pool of at most {@code size} listed proxies, best first: its eligible proxies in
   * its own order, ties broken by a hash of the endpoint (the originals pick among equals at
   * random). Smaller than {@code size} when fewer are eligible.
   */
  public Set<String> select(List<ProxyDay> day, int size) {
    List<ProxyDay> candidates = new ArrayList<>();
    for (ProxyDay p : day) {
      if (p.listed() && eligible(p)) {
        candidates.add(p);
      }
    }
    candidates.sort(ranking().thenComparingLong(p -> mix(p.key().hashCode())));
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < Math.min(size, candidates.size()); i++) {
      out.add(candidates.get(i).key());
    }
    return out;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    return z ^ (z >>> 29);
  }

  /** The three baselines of issue 19. */
  public static List<Baseline> all() {
    return List.of(new Counter(), new ErrorRateLatency(), new SuccessRate(7));
  }

  /**
   * Python3WebSpider/ProxyPool: a new proxy starts at 10, a successful check sets 100, a failed
   * one takes 1 off, and the proxy is dropped at 0 (the crawler adds it again at 10 while it is
   * still listed). Serves the highest counters. The logs give a day's counts, not their order:
   * in a random order of s successes and f failures, f/(s+1) failures follow the last success
   * on average, which is what the counter ends the day with after the 100.
   */
  public static final class Counter extends Baseline {
    private final Map<String, Double> counter = new HashMap<>();

    public Counter() {
      super("counter");
    }

    @Override
    public void observe(List<ProxyDay> day) {
      for (ProxyDay p : day) {
        if (!p.listed()) {
          continue;
        }
        double c = counter.getOrDefault(p.key(), 10.0);
        long failures = p.trials() - p.passes();
        if (p.passes() > 0) {
          c = 100.0 - (double) failures / (p.passes() + 1);
        } else {
          c -= failures;
        }
        if (c <= 0) {
          counter.remove(p.key());
        } else {
          counter.put(p.key(), c);
        }
      }
    }

    @Override
    protected boolean eligible(ProxyDay p) {
      return counter.containsKey(p.key());
    }

    @Override
    protected Comparator<ProxyDay> ranking() {
      return Comparator.comparingDouble(p -> -counter.get(p.key()));
    }
  }

  /**
   * ProxyBroker: serves the checked proxies by error rate, then mean response time, over every
   * request it has seen of them (its statistics last as long as the broker runs). The day's
   * median latency stands in for the mean, which the scores do not keep.
   */
  public static final class ErrorRateLatency extends Baseline {
    // attempts, errors, latency sum, latency days
    private final Map<String, double[]> stats = new HashMap<>();

    public ErrorRateLatency() {
      super("errrate+lat");
    }

    @Override
    public void observe(List<ProxyDay> day) {
      for (ProxyDay p : day) {
        if (p.trials() == 0) {
          continue;
        }
        double[] s = stats.computeIfAbsent(p.key(), k -> new double[4]);
        s[0] += p.trials();
        s[1] += p.trials() - p.passes();
        if (!Double.isNaN(p.latencyMs())) {
          s[2] += p.latencyMs();
          s[3]++;
        }
      }
    }

    @Override
    protected boolean eligible(ProxyDay p) {
      return stats.containsKey(p.key());
    }

    @Override
    protected Comparator<ProxyDay> ranking() {
      return Comparator.<ProxyDay>comparingDouble(p -> stats.get(p.key())[1] / stats.get(p.key())[0])
          .thenComparingDouble(p -> {
            double[] s = stats.get(p.key());
            return s[3] == 0 ? Double.MAX_VALUE : s[2] / s[3];
          });
    }
  }

  /**
   * The rule of thumb "success rate at least 0.5 over at least 3 requests", over the last
   * {@code window} days (a lifetime rate would never let a proxy that died go), best rate
   * first.
   */
  public static final class SuccessRate extends Baseline {
    private final int window;
    // Per endpoint: attempts and successes of each of the last `window` days, a ring by day.
    private final Map<String, long[]> ring = new HashMap<>();
    private int day = -1;

    public SuccessRate(int window) {
      super("sr>=0.5,n>=3");
      this.window = window;
    }

    @Override
    public void observe(List<ProxyDay> rows) {
      day++;
      int slot = day % window;
      for (long[] r : ring.values()) {
        r[2 * slot] = 0;
        r[2 * slot + 1] = 0;
      }
      for (ProxyDay p : rows) {
        if (p.trials() > 0) {
          long[] r = ring.computeIfAbsent(p.key(), k -> new long[2 * window]);
          r[2 * slot] = p.trials();
          r[2 * slot + 1] = p.passes();
        }
      }
    }

    private double[] totals(String key) {
      long[] r = ring.get(key);
      double n = 0;
      double s = 0;
      if (r != null) {
        for (int i = 0; i < window; i++) {
          n += r[2 * i];
          s += r[2 * i + 1];
        }
      }
      return new double[] {n, s};
    }

    @Override
    protected boolean eligible(ProxyDay p) {
      double[] t = totals(p.key());
      return t[0] >= 3 && t[1] / t[0] >= 0.5;
    }

    @Override
    protected Comparator<ProxyDay> ranking() {
      return Comparator.comparingDouble(p -> {
        double[] t = totals(p.key());
        return -t[1] / t[0];
      });
    }
  }
}
