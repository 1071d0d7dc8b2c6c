package io.ippipe.common.probe;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * When a proxy is next checked. New proxies are due at once and go first; after n failed checks
 * in a row the wait is {@code backoffBase x 2^(n-1)} hours up to {@code backoffMax}; a passing
 * proxy waits {@code regular} hours, or {@code healthy} hours once its latest score reaches
 * {@code healthyScore}. Every wait is spread by up to {@code jitter} either way so that a
 * supplier's proxies listed on one day do not stay in lockstep; the spread is a hash of the
 * endpoint and the date, so a rerun schedules exactly as the first run did.
 */
public record RecheckPolicy(double healthyScore, double healthyHours, double regularHours,
    double backoffBaseHours, double backoffMaxHours, double jitter) implements Serializable {

  /** Why a proxy is checked; the order is the urgency under probe.max_checks. */
  public enum Reason {
    NEW, FAILING, REGULAR, HEALTHY;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static RecheckPolicy from(PipelineConfig c) {
    return new RecheckPolicy(c.get(Keys.PROBE_HEALTHY_SCORE), c.get(Keys.PROBE_HEALTHY_HOURS),
        c.get(Keys.PROBE_REGULAR_HOURS), c.get(Keys.PROBE_BACKOFF_BASE_HOURS),
        c.get(Keys.PROBE_BACKOFF_MAX_HOURS), c.get(Keys.PROBE_JITTER));
  }

  /** Why the proxy is due at {@code nowMs}, or null when it is not. */
  public Reason due(Long nextDueMs, int consecutiveFailures, Double latestScore, long nowMs) {
    if (nextDueMs == null) {
      return Reason.NEW;
    }
    if (nextDueMs > nowMs) {
      return null;
    }
    return kind(consecutiveFailures, latestScore);
  }

  public Reason kind(int consecutiveFailures, Double latestScore) {
    if (consecutiveFailures > 0) {
      return Reason.FAILING;
    }
    return latestScore != null && latestScore >= healthyScore ? Reason.HEALTHY : Reason.REGULAR;
  }

  /** The wait in hours after a check, before jitter. */
  public double waitHours(int consecutiveFailures, Double latestScore) {
    if (consecutiveFailures > 0) {
      double exp = backoffBaseHours * Math.pow(2, Math.min(consecutiveFailures - 1, 60));
      return Math.min(exp, backoffMaxHours);
    }
    return kind(0, latestScore) == Reason.HEALTHY ? healthyHours : regularHours;
  }

  /** When the proxy is due next, for a check that left it at {@code consecutiveFailures}. */
  public long nextDueMs(String endpointKey, long nowMs, int consecutiveFailures,
      Double latestScore) {
    double hours = waitHours(consecutiveFailures, latestScore);
    CRC32 crc = new CRC32();
    crc.update((endpointKey + "@" + nowMs).getBytes(StandardCharsets.UTF_8));
    double u = crc.getValue() / (double) 0xFFFF_FFFFL * 2 - 1; // [-1, 1]
    return nowMs + (long) (hours * (1 + jitter * u) * 3_600_000L);
  }
}
