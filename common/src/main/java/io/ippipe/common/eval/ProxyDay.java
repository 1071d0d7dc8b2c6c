package io.ippipe.common.eval;

/**
 * One proxy endpoint on one simulated day, as the evaluation sees it: the generator's hidden
 * truth beside the evidence the pipeline gathered and what it published. Built by joining the
 * truth with the day's scores and pool; the pipeline never sees the truth half.
 *
 * @param key the endpoint, {@code ip|port}
 * @param listed listed in the day's inventory (an unlisted proxy cannot serve a customer)
 * @param quality the true success rate a customer gets that day (0 when unknown to the truth)
 * @param trafficShare the share of the day's requests the proxy carried (Zipf popularity)
 * @param supplier the supplier, for per-supplier scenarios
 * @param attempts requests of the day in the logs
 * @param successes successful requests of the day
 * @param latencyMs median latency of the day's successful requests, or NaN
 * @param probeChecks active checks of the day (final attempts)
 * @param probePassed passing active checks of the day
 * @param score ippipe's score, or NaN when not scored
 * @param inPool in ippipe's published pool of the day
 */
public record ProxyDay(String key, boolean listed, double quality, double trafficShare,
    String supplier, long attempts, long successes, double latencyMs, long probeChecks,
    long probePassed, double score, boolean inPool) {

  /** Evidence of the day, in the sense: at least 5 requests or a passing probe. */
  public boolean hasEvidence() {
    return attempts >= 5 || probePassed > 0;
  }

  /**
   * The day's trials as a baseline counts them: a request or an active check alike, as the
   * originals count their own checks (ippipe weighs a check as score.probe_weight requests).
   */
  public long trials() {
    return attempts + probeChecks;
  }

  /** The successful {@link #trials()}. */
  public long passes() {
    return successes + probePassed;
  }

  /** What a customer routed to it gets: nothing from a proxy its supplier no longer sells. */
  public double servedQuality() {
    return listed ? quality : 0.0;
  }
}
