package io.ippipe.common.score;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import java.io.Serializable;

/** The score model's settings (conf/ippipe.conf, score.*); docs/score.md explains each. */
public record ScoreParams(double wilsonZ, double weightAvailability, double weightLatency,
    long latencyGoodMs, long latencyBadMs, double banPenalty, double freshnessHalfLifeDays,
    double geoMismatchFactor, double typeMismatchFactor, double prior, double minAttempts,
    double memoryHalfLifeDays, int retireAfterDays, double probeWeight, double probationEvidence,
    double shiftMinAttempts, double shiftPoints, double shiftKeep, double goodRate,
    double failingP, boolean latencyDiscounts, double shiftP, boolean ranksByRecord,
    double dayDiscountAttempts, double minBoundScore)
    implements Serializable {

  /**
   * The settings before issue 19's policy: no probation, no change detection, no failing, the
   * score is the bound and nothing else bounds it.
   */
  public ScoreParams(double wilsonZ, double weightAvailability, double weightLatency,
      long latencyGoodMs, long latencyBadMs, double banPenalty, double freshnessHalfLifeDays,
      double geoMismatchFactor, double typeMismatchFactor, double prior, double minAttempts,
      double memoryHalfLifeDays, int retireAfterDays, double probeWeight) {
    this(wilsonZ, weightAvailability, weightLatency, latencyGoodMs, latencyBadMs, banPenalty,
        freshnessHalfLifeDays, geoMismatchFactor, typeMismatchFactor, prior, minAttempts,
        memoryHalfLifeDays, retireAfterDays, probeWeight, 0, 0, 100, 1, 0.8, 0, false, 0, false,
        0, 0);
  }

  public ScoreParams {
    if (weightAvailability + weightLatency <= 0) {
      throw new ConfigException("score.weight.availability + score.weight.latency must be > 0");
    }
    if (latencyGoodMs >= latencyBadMs) {
      throw new ConfigException("score.latency.good_ms (" + latencyGoodMs
          + ") must be below score.latency.bad_ms (" + latencyBadMs + ")");
    }
  }

  public static ScoreParams from(PipelineConfig c) {
    return new ScoreParams(c.get(Keys.SCORE_WILSON_Z), c.get(Keys.SCORE_WEIGHT_AVAILABILITY),
        c.get(Keys.SCORE_WEIGHT_LATENCY), c.get(Keys.SCORE_LATENCY_GOOD_MS),
        c.get(Keys.SCORE_LATENCY_BAD_MS), c.get(Keys.SCORE_BAN_PENALTY),
        c.get(Keys.SCORE_FRESHNESS_HALF_LIFE_DAYS), c.get(Keys.SCORE_GEO_MISMATCH_FACTOR),
        c.get(Keys.SCORE_TYPE_MISMATCH_FACTOR), c.get(Keys.SCORE_PRIOR),
        c.get(Keys.SCORE_MIN_ATTEMPTS), c.get(Keys.SCORE_MEMORY_HALF_LIFE_DAYS),
        c.get(Keys.SCORE_RETIRE_AFTER_DAYS), c.get(Keys.SCORE_PROBE_WEIGHT),
        c.get(Keys.SCORE_PROBATION_EVIDENCE), c.get(Keys.SCORE_SHIFT_MIN_ATTEMPTS),
        c.get(Keys.SCORE_SHIFT_POINTS), c.get(Keys.SCORE_SHIFT_KEEP), c.get(Keys.SCORE_GOOD_RATE),
        c.get(Keys.SCORE_FAILING_P), c.get(Keys.SCORE_COMBINE).equals("product"),
        c.get(Keys.SCORE_SHIFT_P), c.get(Keys.SCORE_RANK).equals("record"),
        c.get(Keys.SCORE_DAY_DISCOUNT_ATTEMPTS), c.get(Keys.SCORE_MIN_BOUND_SCORE));
  }

  public static ScoreParams defaults() {
    return from(PipelineConfig.defaults());
  }
}
