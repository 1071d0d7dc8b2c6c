package io.ippipe.common.score;

import io.ippipe.common.input.ProxyType;
import org.apache.commons.math3.special.Beta;

/**
 * The proxy score: pure arithmetic over {@link ProxyEvidence}, so that the Spark job, the tests
 * and an operator retracing one proxy all compute the same number. docs/score.md is the prose.
 */
public final class ScoreModel {
  private final ScoreParams p;

  public ScoreModel(ScoreParams params) {
    this.p = params;
  }

  public ProxyScore score(ProxyEvidence e) {
    // Active checks join the requests as weighted trials: each counts probe_weight requests.
    // They say nothing about bans (a judge never bans), so the ban rate stays the logs' own.
    long requests = e.attempts();
    ProbeEvidence probes = e.probes();
    double probeTrials = p.probeWeight() * probes.checks();
    double n = requests + probeTrials;
    double successes = e.successes() + p.probeWeight() * probes.passed();
    Double availability = n > 0 ? Wilson.lowerBound(successes, n, p.wilsonZ()) : null;
    Double banRate = null;
    if (requests > 0) {
      banRate = (double) e.bans() / requests;
    } else if (n > 0) {
      banRate = 0.0;
    }
    Double p90 = e.latencyP90Ms() != null ? e.latencyP90Ms()
        : probeTrials > 0 ? probes.medianMs() : null;
    Double latencyScore = p90 == null ? null : latencyScore(p90);
    Double observed = null;
    if (n > 0) {
      observed = 100.0 * useful(availability, latencyScore, banRate);
    }

    double carried = 0;
    double carriedSuccesses = 0;
    boolean changed = false;
    double previousHealth = p.prior();
    if (e.previousHealth() != null && e.previousEvidence() != null) {
      int days = e.daysSincePrevious() == null ? 1 : Math.max(0, e.daysSincePrevious());
      double decay = halving(days, p.memoryHalfLifeDays());
      carried = e.previousEvidence() * decay;
      // A partition written before the record was kept: its trials sit on the failing line.
      carriedSuccesses = decay * (e.previousSuccesses() == null
          ? e.previousEvidence() * p.goodRate()
          : Math.min(e.previousSuccesses(), e.previousEvidence()));
      previousHealth = e.previousHealth();
      // A proxy that died, got banned or came back is a different proxy today: weighed against
      // weeks of carried evidence, a day of 20 failures would barely move it.
      boolean busyAndFar = p.shiftMinAttempts() > 0 && n >= p.shiftMinAttempts()
          && Math.abs(observed - previousHealth) >= p.shiftPoints();
      if (busyAndFar || contradicts(successes, n, previousHealth,
          recordRate(e.previousSuccesses(), e.previousEvidence(), previousHealth))) {
        changed = true;
        carried *= p.shiftKeep();
        carriedSuccesses *= p.shiftKeep();
      }
    }
    double weight = n + carried + p.minAttempts();
    double health = weight == 0 ? p.prior()
        : ((n > 0 ? n * observed : 0) + carried * previousHealth + p.minAttempts() * p.prior()) / weight;

    double freshness = e.daysSinceLastSeen() == null ? 1.0
        : halving(Math.max(0, e.daysSinceLastSeen()), p.freshnessHalfLifeDays());

    String geo = ProxyScore.UNKNOWN;
    double geoFactor = 1.0;
    if (e.claimedCountry() != null && e.geoCountry() != null) {
      boolean same = e.claimedCountry().equalsIgnoreCase(e.geoCountry());
      geo = same ? ProxyScore.MATCH : ProxyScore.MISMATCH;
      geoFactor = same ? 1.0 : p.geoMismatchFactor();
    }

    String type = ProxyScore.UNKNOWN;
    double typeFactor = 1.0;
    if (e.claimedType() != null && e.networkType() != null && !e.networkType().equals("unknown")) {
      boolean claimsEndUser = e.claimedType().equals(ProxyType.RESIDENTIAL.text())
          || e.claimedType().equals(ProxyType.MOBILE.text());
      boolean mismatch = claimsEndUser && e.networkType().equals("hosting");
      type = mismatch ? ProxyScore.MISMATCH : ProxyScore.MATCH;
      typeFactor = mismatch ? p.typeMismatchFactor() : 1.0;
    }

    double factors = freshness * geoFactor * typeFactor;
    double bound = oneDecimal(health * factors);
    double evidence = n + carried;
    double evidenceSuccesses = successes + carriedSuccesses;
    double rate = recordRate(evidenceSuccesses, evidence);
    double score = !p.ranksByRecord() ? bound
        : oneDecimal(100.0 * promised(rate, n, latencyScore, banRate) * factors);
    return new ProxyScore(availability, latencyScore, banRate, observed, carried, evidence,
        evidenceSuccesses, health, rate, freshness, geo, geoFactor, type, typeFactor, bound, score,
        exclusion(e, successes, n, changed ? null : evidenceSuccesses, evidence,
            probes.passed(), bound, score));
  }

  /**
   * The record's rate, discounted by the day's latency and bans as far as the day's trials can
   * tell them: a p90 or a ban rate of a few requests is mostly noise (one slow answer in five
   * is the p90), so they count n / (n + score.day_discount_attempts) of their weight. A day
   * without trials has none: the rate alone (the bound still carries the history's discount).
   */
  private double promised(double rate, double n, Double latencyScore, Double banRate) {
    if (n <= 0) {
      return rate;
    }
    double trust = n / (n + p.dayDiscountAttempts());
    return useful(rate, latencyScore == null ? null : 1.0 - trust * (1.0 - latencyScore),
        trust * banRate);
  }

  /**
   * A success rate made a usefulness (0-1) by latency and bans: through the Wilson bound for
   * today's observed score, through the record's rate for the score.
   */
  private double useful(double successRate, Double latencyScore, double banRate) {
    double base;
    if (p.latencyDiscounts()) {
      // Latency takes off at most its weight's share: a fast proxy that fails a third of its
      // requests must not outscore a slow one that works (the mean let it, docs/score.md).
      double share = p.weightLatency() / (p.weightAvailability() + p.weightLatency());
      base = successRate * (latencyScore == null ? 1.0 : 1.0 - share * (1.0 - latencyScore));
    } else {
      double weights = p.weightAvailability() + (latencyScore == null ? 0 : p.weightLatency());
      base = (p.weightAvailability() * successRate
          + (latencyScore == null ? 0 : p.weightLatency() * latencyScore)) / weights;
    }
    return base * (1.0 - p.banPenalty() * banRate);
  }

  private static double oneDecimal(double score) {
    return Math.round(Math.min(100.0, Math.max(0.0, score)) * 10.0) / 10.0;
  }

  /**
   * {@link #exclusion(ProxyEvidence)}, then the day's own verdict on a proxy that fails it, then
   * the same verdict on its record (today plus what is carried), then probation for a proxy
   * nothing yet vouches for, then the bound for one whose score clears score.min_bound_score
   * on evidence still too thin to prove it (a score below it is publish's below_min_score, and
   * a geo mismatch or a stale record is not uncertainty). {@code recordSuccesses} is null on a
   * change: the record no longer describes the proxy, and the tenth of it that is kept must not
   * hold back one that recovered (12 good requests in 12 after a failing week); the day's test
   * judges it alone.
   */
  String exclusion(ProxyEvidence e, double successes, double trials, Double recordSuccesses,
      double evidence, long probesPassed, double bound, double score) {
    String other = exclusion(e);
    if (other != null) {
      return other;
    }
    if (failsGoodRate(successes, trials)) {
      return ExclusionReason.FAILING;
    }
    if (recordSuccesses != null && failsGoodRate(recordSuccesses, evidence)) {
      return ExclusionReason.FAILING_RECORD;
    }
    if (evidence < p.probationEvidence() && probesPassed == 0) {
      return ExclusionReason.UNPROVEN;
    }
    if (bound < p.minBoundScore() && score >= p.minBoundScore()) {
      return ExclusionReason.UNCERTAIN;
    }
    return null;
  }

  /**
   * Whether {@code successes} in {@code trials} are too unlikely from a proxy that succeeds at
   * score.good_rate: a one-sided binomial test at score.failing_p. On the record it is what
   * catches the mediocre proxy (a true rate of 0.6-0.7) with a few dozen requests a day: no single
   * day is poor enough, but its Wilson bound sits above the threshold, and a day or two of
   * record tell it from a good one.
   */
  boolean failsGoodRate(double successes, double trials) {
    return p.failingP() > 0 && trials > 0
        && chanceOfAtMost(successes, trials, p.goodRate()) <= p.failingP();
  }

  /**
   * Whether the day's trials are too unlikely, either way, from a proxy that succeeds at the
   * carried record's rate ({@link #recordRate}, kept off 0 and 1) to be the same proxy:
   * score.shift.p. It catches the recovered proxy with 8 successes in 8 tries after an outage,
   * which the 20 attempts of score.shift.min_attempts kept out of the pool for days. "Better"
   * counts only from a health below the prior, a proxy that was worse than an unknown one: a
   * mediocre proxy near the threshold has lucky days, and cutting its history to one of them
   * published it (the eval sweep in docs/score.md, "Measured").
   */
  boolean contradicts(double successes, double trials, double previousHealth, double record) {
    if (p.shiftP() <= 0 || trials <= 0) {
      return false;
    }
    double rate = Math.min(0.98, Math.max(0.02, record));
    return chanceOfAtMost(successes, trials, rate) <= p.shiftP()
        || previousHealth < p.prior() && chanceOfAtLeast(successes, trials, rate) <= p.shiftP();
  }

  /**
   * The success rate the carried record stands for, with the prior's attempts beside it: a
   * proxy's past as a rate for {@link #contradicts}. The health is no such rate (it is a lower
   * bound, discounted by latency): a proxy serving 44% carried a health near 25, so four
   * successes in four looked like a change and a lucky day published it (the eval's pool).
   * Without a success count (a partition written before it was kept) the health stands in.
   */
  double recordRate(Double previousSuccesses, double previousEvidence, double previousHealth) {
    if (previousSuccesses == null) {
      return previousHealth / 100.0;
    }
    return recordRate(previousSuccesses, previousEvidence);
  }

  /**
   * The success rate a record of {@code successes} in {@code evidence} trials stands for, with
   * the prior's score.min_attempts beside them: the posterior mean, which the score ranks by.
   */
  double recordRate(double successes, double evidence) {
    if (evidence + p.minAttempts() <= 0) {
      return p.prior() / 100.0;
    }
    return (successes + p.minAttempts() * p.prior() / 100.0) / (evidence + p.minAttempts());
  }

  /** P(X >= successes) for X ~ Binomial(trials, rate), through the same incomplete beta. */
  static double chanceOfAtLeast(double successes, double trials, double rate) {
    if (successes <= 0) {
      return 1.0;
    }
    return Beta.regularizedBeta(rate, successes, trials - successes + 1.0);
  }

  /**
   * P(X <= successes) for X ~ Binomial(trials, rate): how likely a day this poor is from a proxy
   * that succeeds at {@code rate}. An exact tail, not a normal approximation: most proxies carry
   * a handful of requests, where a Wilson or z bound would call one failure in one try failing.
   * Written through the regularised incomplete beta so that weighted checks (fractional counts)
   * and proxies with a million requests cost the same.
   */
  static double chanceOfAtMost(double successes, double trials, double rate) {
    if (successes >= trials) {
      return 1.0;
    }
    return Beta.regularizedBeta(1.0 - rate, trials - successes, successes + 1.0);
  }

  /** Retirement first (it also ends carrying), then blocklists, address class, inventory. */
  String exclusion(ProxyEvidence e) {
    int retire = p.retireAfterDays();
    boolean unlisted = e.daysSinceListed() == null || e.daysSinceListed() >= retire;
    boolean unseen = e.daysSinceLastSeen() == null || e.daysSinceLastSeen() >= retire;
    if (unlisted && unseen) {
      return ExclusionReason.RETIRED;
    }
    if (e.blocklist() != null) {
      return ExclusionReason.BLOCKLISTED_PREFIX + e.blocklist();
    }
    if (!e.globallyReachable()) {
      return ExclusionReason.SPECIAL_PURPOSE;
    }
    if (!e.inInventory()) {
      return ExclusionReason.NOT_IN_INVENTORY;
    }
    return null;
  }

  private double latencyScore(double p90) {
    if (p90 <= p.latencyGoodMs()) {
      return 1.0;
    }
    if (p90 >= p.latencyBadMs()) {
      return 0.0;
    }
    return (p.latencyBadMs() - p90) / (double) (p.latencyBadMs() - p.latencyGoodMs());
  }

  private static double halving(double days, double halfLife) {
    return Math.pow(0.5, days / halfLife);
  }
}
