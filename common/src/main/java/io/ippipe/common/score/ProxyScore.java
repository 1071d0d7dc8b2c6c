package io.ippipe.common.score;

/**
 * A proxy's score and every component it came from, so that an operator can retrace it:
 * {@code score = 100 x recordRate x (today's latency and ban discount) x freshness x geoFactor x
 * typeFactor}, ranking by what the record promises (under score.rank = bound, the bound score
 * itself); and
 * {@code boundScore = health x freshness x geoFactor x typeFactor}, which admits (a score that
 * reaches score.min_bound_score on a bound score that does not is excluded as uncertain), with
 * {@code health = (attempts x observed + carriedEvidence x previousHealth + minAttempts x prior)
 * / (attempts + carriedEvidence + minAttempts)}. docs/score.md has the whole model.
 *
 * @param availability Wilson lower bound of the success rate; null without attempts
 * @param latencyScore 1 at or below the good p90, 0 at or above the bad one; null without latency
 * @param banRate bans / attempts; null without attempts
 * @param observed today's score from availability, latency and bans (0-100); null without attempts
 * @param carriedEvidence the previous evidence after the memory decay
 * @param evidence attempts + carried evidence: what tomorrow carries
 * @param evidenceSuccesses the successes among {@code evidence}, carried alike
 * @param health the blend of observed, previous health and prior (0-100): what tomorrow carries
 * @param recordRate (evidenceSuccesses + prior's successes) / (evidence + score.min_attempts)
 * @param freshness 0.5 ^ (days since last seen / half-life); 1 when never seen
 * @param geoConsistency match, mismatch or unknown (claimed country against geo country)
 * @param typeConsistency match, mismatch (claimed residential or mobile, hosting network) or unknown
 * @param boundScore health times the factors, one decimal: the conservative figure that admits
 * @param score the final 0-100 score, one decimal: the ranking
 * @param excludedReason why the proxy may not enter the pool, or null
 */
public record ProxyScore(Double availability, Double latencyScore, Double banRate, Double observed,
    double carriedEvidence, double evidence, double evidenceSuccesses, double health,
    double recordRate, double freshness, String geoConsistency, double geoFactor,
    String typeConsistency, double typeFactor, double boundScore, double score,
    String excludedReason) {

  public static final String MATCH = "match";
  public static final String MISMATCH = "mismatch";
  public static final String UNKNOWN = "unknown";
}
