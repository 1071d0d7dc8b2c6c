package io.ippipe.common.score;

/** Why a scored proxy may not enter the pool; the text is what scores.excluded_reason holds. */
public final class ExclusionReason {
  /** Neither listed nor seen for score.retire_after_days; not carried to the next date. */
  public static final String RETIRED = "retired";
  public static final String BLOCKLISTED_PREFIX = "blocklisted:";
  /** The address sits in a special-purpose range (only log-only proxies can). */
  public static final String SPECIAL_PURPOSE = "special_purpose_address";
  /** Seen in the logs but listed by no inventory today: no protocol to publish it with. */
  public static final String NOT_IN_INVENTORY = "not_in_inventory";
  /**
   * Less evidence than score.probation_evidence and no passing check: nothing yet says the
   * proxy works, and most unproven proxies in a pool are what customers hit first.
   */
  public static final String UNPROVEN = "unproven";
  /**
   * The day's own requests and checks, whatever the history says, are too unlikely from a proxy
   * at score.good_rate (a one-sided binomial test at score.failing_p): it died, got banned or
   * was never good, and carried evidence would otherwise hold it in the pool for days.
   */
  public static final String FAILING = "failing";
  /**
   * The same test as {@link #FAILING} on the record: today's trials plus the carried ones (both
   * decayed alike, and cut alike by a change). A proxy that serves 70% passes it on most single
   * days and fails it within a few.
   */
  public static final String FAILING_RECORD = "failing_record";
  /**
   * The score clears score.min_bound_score but the bound score (the health, a blend of Wilson
   * lower bounds, times the same factors) does not: the score says what the record's rate
   * promises, the bound whether the evidence is strong enough yet to promise it. 4 successes in
   * 5 score about 71 and bound about 54; a few more good requests admit the proxy.
   */
  public static final String UNCERTAIN = "uncertain";

  private ExclusionReason() {}
}
