package io.ippipe.common.score;

/**
 * Everything known about one proxy endpoint on one date. Nullable fields are unknown, not zero.
 *
 * @param latencyP90Ms p90 of the successful requests' elapsed time; null when the logs carry none
 * @param daysSinceLastSeen days since the proxy last carried traffic, today or carried from
 *     earlier dates; null when it never has
 * @param daysSinceListed days since an inventory last listed it (0: listed today); null: never
 * @param previousHealth the health carried in the previous scores partition, null if none
 * @param previousEvidence the evidence (effective attempts) carried with it
 * @param previousSuccesses the successes among that evidence; null when the partition predates
 *     them (then the carried trials count as if at score.good_rate, the line the failing test
 *     draws: they dilute the record toward passing, and fade with the memory half-life)
 * @param daysSincePrevious the days between that partition and today
 * @param blocklist the first blocklist holding the address, null when none does
 * @param globallyReachable false for an address in a special-purpose range
 * @param probes the day's active checks (none without a probe stage)
 */
public record ProxyEvidence(long attempts, long successes, long connectFailures, long bans,
    long upstreamErrors, Double latencyP90Ms, Integer daysSinceLastSeen, Integer daysSinceListed,
    boolean inInventory, String claimedCountry, String geoCountry, String claimedType,
    String networkType, Double previousHealth, Double previousEvidence, Double previousSuccesses,
    Integer daysSincePrevious, String blocklist, boolean globallyReachable, ProbeEvidence probes) {

  /** Evidence whose carried history has no success count (written before it was kept). */
  public ProxyEvidence(long attempts, long successes, long connectFailures, long bans,
      long upstreamErrors, Double latencyP90Ms, Integer daysSinceLastSeen, Integer daysSinceListed,
      boolean inInventory, String claimedCountry, String geoCountry, String claimedType,
      String networkType, Double previousHealth, Double previousEvidence,
      Integer daysSincePrevious, String blocklist, boolean globallyReachable,
      ProbeEvidence probes) {
    this(attempts, successes, connectFailures, bans, upstreamErrors, latencyP90Ms,
        daysSinceLastSeen, daysSinceListed, inInventory, claimedCountry, geoCountry, claimedType,
        networkType, previousHealth, previousEvidence, null, daysSincePrevious, blocklist,
        globallyReachable, probes);
  }

  /** Evidence without active checks. */
  public ProxyEvidence(long attempts, long successes, long connectFailures, long bans,
      long upstreamErrors, Double latencyP90Ms, Integer daysSinceLastSeen, Integer daysSinceListed,
      boolean inInventory, String claimedCountry, String geoCountry, String claimedType,
      String networkType, Double previousHealth, Double previousEvidence,
      Integer daysSincePrevious, String blocklist, boolean globallyReachable) {
    this(attempts, successes, connectFailures, bans, upstreamErrors, latencyP90Ms,
        daysSinceLastSeen, daysSinceListed, inInventory, claimedCountry, geoCountry, claimedType,
        networkType, previousHealth, previousEvidence, null, daysSincePrevious, blocklist,
        globallyReachable, ProbeEvidence.NONE);
  }
}
