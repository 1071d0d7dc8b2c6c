package io.ippipe.common.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreModelTest {
  private final ScoreParams params = ScoreParams.defaults();
  private final ScoreModel model = new ScoreModel(params);
  private final double minScore = PipelineConfig.defaults().get(Keys.PUBLISH_MIN_SCORE);

  /** What publish takes: no exclusion (the bound's among them) and the score at its threshold. */
  private boolean published(ProxyScore s) {
    return s.excludedReason() == null && s.score() >= minScore;
  }

  /** A listed, reachable proxy seen today, with no previous score. */
  private static ProxyEvidence seen(long attempts, long successes, long bans, Double p90) {
    return new ProxyEvidence(attempts, successes, attempts - successes - bans, bans, 0, p90, 0, 0,
        true, null, null, null, null, null, null, null, null, true);
  }

  private static ProxyEvidence probedOnly(long checks, long passed, Double medianMs) {
    return new ProxyEvidence(0, 0, 0, 0, 0, null, null, 0, true, null, null, null, null, null,
        null, null, null, true, new ProbeEvidence(checks, passed, medianMs));
  }

  @Test
  void activeChecksCountAsWeightedRequests() {
    double w = params.probeWeight();
    ProxyScore prior = model.score(probedOnly(0, 0, null));
    ProxyScore passing = model.score(probedOnly(2, 2, 300.0));
    ProxyScore failing = model.score(probedOnly(2, 0, null));
    assertEquals(Wilson.lowerBound(2 * w, 2 * w, params.wilsonZ()), passing.availability(), 1e-12);
    assertEquals(2 * w, passing.evidence(), 1e-12);
    assertEquals(0.0, passing.banRate());
    assertEquals(1.0, passing.latencyScore(), "the probe's time stands in for the logs' p90");
    assertTrue(passing.score() > prior.score() && failing.score() < prior.score(),
        prior.score() + " " + passing.score() + " " + failing.score());
    // Beside requests, checks add trials but never dilute the logs' ban rate.
    ProxyEvidence both = new ProxyEvidence(100, 90, 0, 10, 0, 100.0, 0, 0, true, null, null,
        null, null, null, null, null, null, true, new ProbeEvidence(1, 1, 50.0));
    ProxyScore s = model.score(both);
    assertEquals(0.1, s.banRate(), 1e-12);
    assertEquals(Wilson.lowerBound(90 + w, 100 + w, params.wilsonZ()), s.availability(), 1e-12);
    ScoreModel ignoring = new ScoreModel(new ScoreParams(params.wilsonZ(),
        params.weightAvailability(), params.weightLatency(), params.latencyGoodMs(),
        params.latencyBadMs(), params.banPenalty(), params.freshnessHalfLifeDays(),
        params.geoMismatchFactor(), params.typeMismatchFactor(), params.prior(),
        params.minAttempts(), params.memoryHalfLifeDays(), params.retireAfterDays(), 0.0));
    assertEquals(prior.score(), ignoring.score(probedOnly(2, 2, 300.0)).score());
  }

  @Test
  void onePassingCheckVouchesForAProxyLessThanFiveGoodRequests() {
    // A check is one trial of what the proxy serves our judge, blind to the targets' bans. At
    // the old weight of 5, one passing check published a proxy of true quality 0.6 as readily as
    // a good one: a point of precision lost in `eval --probes` (docs/score.md, "Probes").
    ProxyScore check = model.score(probedOnly(1, 1, 150.0));
    ProxyScore requests = model.score(seen(5, 5, 0, 150.0));
    assertTrue(check.score() < requests.score(),
        "one check " + check.score() + ", five requests " + requests.score());
  }

  @Test
  void noEvidenceScoresThePrior() {
    ProxyScore s = model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, null, 0, true, null, null,
        null, null, null, null, null, null, true));
    assertNull(s.observed());
    assertNull(s.availability());
    assertEquals(params.prior(), s.health(), 1e-9);
    assertEquals(params.prior(), s.score(), 1e-9);
    assertEquals(1.0, s.freshness());
    assertEquals(ExclusionReason.UNPROVEN, s.excludedReason(), "nothing vouches for it yet");
  }

  @Test
  void healthIsTheEvidenceWeightedMeanOfObservedAndPrior() {
    ProxyScore s = model.score(seen(1000, 1000, 0, 100.0));
    double availability = Wilson.lowerBound(1000, 1000, params.wilsonZ());
    // Latency at or under latency.good_ms takes nothing off (score.combine = product).
    double observed = 100 * availability;
    assertEquals(observed, s.observed(), 1e-9);
    double health = (1000 * observed + params.minAttempts() * params.prior())
        / (1000 + params.minAttempts());
    assertEquals(health, s.health(), 1e-9);
    assertEquals(Math.round(health * 10) / 10.0, s.boundScore(), 1e-9);
    assertEquals(1000, s.evidence(), 1e-9);
    double rate = (1000 + params.minAttempts() * params.prior() / 100) / (1000 + params.minAttempts());
    assertEquals(rate, s.recordRate(), 1e-12);
    assertEquals(Math.round(1000 * rate) / 10.0, s.score(), 1e-9);
  }

  /**
   * score.wilson_z = 0 is the day's success rate itself, whatever the day's volume: the setting
   * docs/score.md measured against the Wilson bound's traffic bias ("The day's success rate").
   */
  @Test
  void atWilsonZeroAvailabilityIsTheSuccessRateAtAnyVolume() {
    ScoreModel rate = new ScoreModel(ScoreParams.from(
        PipelineConfig.of(Map.of(), Map.of("score.wilson_z", "0"))));
    assertEquals(1.0, rate.score(seen(5, 5, 0, 100.0)).availability(), 1e-12);
    assertEquals(1.0, rate.score(seen(500, 500, 0, 100.0)).availability(), 1e-12);
    assertEquals(0.9, rate.score(seen(10, 9, 0, 100.0)).availability(), 1e-12);
    assertTrue(model.score(seen(5, 5, 0, 100.0)).availability()
        < model.score(seen(500, 500, 0, 100.0)).availability() - 0.1, "the default bound is not");
  }

  @Test
  void latencyDiscountsAvailabilityAndNeverMakesUpForFailures() {
    // p90 of 4 400 ms: half way between latency.good_ms and latency.bad_ms.
    ProxyScore slow = model.score(seen(1000, 950, 0, 4400.0));
    double share = params.weightLatency() / (params.weightAvailability() + params.weightLatency());
    assertEquals(0.5, slow.latencyScore(), 1e-12);
    assertEquals(100 * slow.availability() * (1 - share * 0.5), slow.observed(), 1e-9);
    // A fast proxy that fails a third of its requests observes its availability at most; the
    // weighted mean (the setting before) lifted it by the latency weight into the pool.
    ProxyScore fast = model.score(seen(1000, 670, 0, 100.0));
    assertEquals(100 * fast.availability(), fast.observed(), 1e-9);
    assertTrue(fast.observed() < PipelineConfig.defaults().get(Keys.PUBLISH_MIN_SCORE) + 10);
    ScoreParams mean = ScoreParams.from(PipelineConfig.defaults().with(
        java.util.Map.of(Keys.SCORE_COMBINE.name(), "mean")));
    double lifted = new ScoreModel(mean).score(seen(1000, 670, 0, 100.0)).observed();
    assertEquals(100 * (0.7 * fast.availability() + 0.3), lifted, 1e-9);
  }

  @Test
  void oneLuckySuccessStaysNearThePrior() {
    ProxyScore one = model.score(seen(1, 1, 0, 100.0));
    ProxyScore many = model.score(seen(500, 500, 0, 100.0));
    assertTrue(one.boundScore() < params.minBoundScore(), "1 of 1 gave " + one.boundScore());
    assertEquals(ExclusionReason.UNPROVEN, one.excludedReason());
    assertTrue(many.score() > 95, "500 of 500 gave " + many.score());
  }

  @Test
  void bansCostMoreThanTheirShareOfFailures() {
    ProxyScore failures = model.score(new ProxyEvidence(100, 80, 20, 0, 0, 100.0, 0, 0, true,
        null, null, null, null, null, null, null, null, true));
    ProxyScore bans = model.score(seen(100, 80, 20, 100.0));
    assertEquals(failures.availability(), bans.availability());
    assertEquals(0.2, bans.banRate(), 1e-12);
    assertEquals(failures.observed() * 0.8, bans.observed(), 1e-9);
  }

  @Test
  void latencyIsPiecewiseBetweenGoodAndBad() {
    assertEquals(1.0, model.score(seen(10, 10, 0, 800.0)).latencyScore());
    assertEquals(0.5, model.score(seen(10, 10, 0, 4400.0)).latencyScore(), 1e-12);
    assertEquals(0.0, model.score(seen(10, 10, 0, 9000.0)).latencyScore());
    // Without latency the availability alone makes the observed score.
    ProxyScore none = model.score(seen(10, 10, 0, null));
    assertNull(none.latencyScore());
    assertEquals(100 * none.availability(), none.observed(), 1e-9);
  }

  @Test
  void yesterdayDecaysWithTheMemoryHalfLife() {
    // One half-life after a score of 90 on 100 attempts, with nothing new: 50 attempts carried.
    ProxyScore s = model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, 7, 0, true, null, null,
        null, null, 90.0, 100.0, 7, null, true));
    assertEquals(50.0, s.carriedEvidence(), 1e-9);
    assertEquals((50 * 90.0 + params.minAttempts() * 50.0) / (50 + params.minAttempts()),
        s.health(), 1e-9);
    assertEquals(0.5, s.freshness(), 1e-12);
    assertEquals(Math.round(s.health() * 0.5 * 10) / 10.0, s.boundScore(), 1e-9);
    // A quiet day has no latency or bans of its own: the score is the record's rate, fading.
    assertEquals(Math.round(s.recordRate() * 100 * 0.5 * 10) / 10.0, s.score(), 1e-9);
  }

  @Test
  void geoAndTypeConsistency() {
    ProxyScore mismatch = model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, null, 0, true, "DE",
        "US", "residential", "hosting", null, null, null, null, true));
    assertEquals(ProxyScore.MISMATCH, mismatch.geoConsistency());
    assertEquals(ProxyScore.MISMATCH, mismatch.typeConsistency());
    assertEquals(50 * 0.5 * 0.6, mismatch.score(), 1e-9);
    ProxyScore match = model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, null, 0, true, "us",
        "US", "datacenter", "hosting", null, null, null, null, true));
    assertEquals(ProxyScore.MATCH, match.geoConsistency());
    assertEquals(ProxyScore.MATCH, match.typeConsistency());
    assertEquals(50.0, match.score(), 1e-9);
    ProxyScore unknown = model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, null, 0, true, null,
        "US", "mobile", "unknown", null, null, null, null, true));
    assertEquals(ProxyScore.UNKNOWN, unknown.geoConsistency());
    assertEquals(ProxyScore.UNKNOWN, unknown.typeConsistency());
  }

  @Test
  void exclusionsInOrder() {
    int k = params.retireAfterDays();
    assertEquals(ExclusionReason.RETIRED, model.score(new ProxyEvidence(0, 0, 0, 0, 0, null, k, k,
        false, null, null, null, null, 80.0, 10.0, 1, "firehol_level1", true)).excludedReason());
    // Seen in the logs recently keeps it from retiring even when no inventory lists it.
    assertEquals("blocklisted:firehol_level1", model.score(new ProxyEvidence(5, 5, 0, 0, 0, null,
        0, null, false, null, null, null, null, null, null, null, "firehol_level1", false))
        .excludedReason());
    assertEquals(ExclusionReason.SPECIAL_PURPOSE, model.score(new ProxyEvidence(5, 5, 0, 0, 0,
        null, 0, null, false, null, null, null, null, null, null, null, null, false)).excludedReason());
    assertEquals(ExclusionReason.NOT_IN_INVENTORY, model.score(new ProxyEvidence(5, 5, 0, 0, 0,
        null, 0, k - 1, false, null, null, null, null, null, null, null, null, true)).excludedReason());
  }

  /** A proxy with a previous score: {@code health} over {@code evidence} attempts yesterday. */
  private static ProxyEvidence after(long attempts, long successes, double health,
      double evidence) {
    return new ProxyEvidence(attempts, successes, attempts - successes, 0, 0,
        successes == 0 ? null : 300.0, 0, 0, true,
        null, null, null, null, health, evidence, 1, null, true);
  }

  @Test
  void aDayThatContradictsTheHistoryKeepsOnlyAFractionOfIt() {
    // 200 good attempts carried, then a day of 30 failures: it died.
    ProxyScore died = model.score(after(30, 0, 92.0, 200.0));
    double carried = 200.0 * Math.pow(0.5, 1 / params.memoryHalfLifeDays());
    assertEquals(carried * params.shiftKeep(), died.carriedEvidence(), 1e-9);
    assertTrue(died.score() < minScore, "a dead proxy scored " + died.score());
    // Without change detection the history outweighs the day and the dead proxy stays.
    ScoreModel sticky = new ScoreModel(new ScoreParams(params.wilsonZ(),
        params.weightAvailability(), params.weightLatency(), params.latencyGoodMs(),
        params.latencyBadMs(), params.banPenalty(), params.freshnessHalfLifeDays(),
        params.geoMismatchFactor(), params.typeMismatchFactor(), params.prior(),
        params.minAttempts(), params.memoryHalfLifeDays(), params.retireAfterDays(),
        params.probeWeight()));
    assertTrue(sticky.score(after(30, 0, 92.0, 200.0)).score() >= minScore);
    // And back: bad history, a day of 40 successes.
    ProxyScore back = model.score(after(40, 40, 10.0, 200.0));
    assertTrue(back.score() >= minScore, "a recovered proxy scored " + back.score());
    // A few failures are not a change: the history stays whole.
    ProxyScore noisy = model.score(after(5, 3, 92.0, 200.0));
    assertEquals(carried, noisy.carriedEvidence(), 1e-9);
  }

  /** A day after {@code previous}, as the score job carries it. */
  private static ProxyEvidence next(long attempts, long successes, ProxyScore previous) {
    return new ProxyEvidence(attempts, successes, attempts - successes, 0, 0, 300.0, 0, 0, true,
        null, null, null, null, previous.health(), previous.evidence(),
        previous.evidenceSuccesses(), 1, null, true, ProbeEvidence.NONE);
  }

  @Test
  void aProxyServingSeventyPercentFailsOnItsRecordWhereNoSingleDayFails() {
    // 29 of 40 a day, fast: an eval pool's typical bad member (true quality 0.6-0.7). One day
    // is not poor enough for the day's test (p = 0.16), and its Wilson bound clears the
    // threshold, so the history carried it above it day after day.
    ProxyScore first = model.score(seen(40, 29, 0, 300.0));
    assertTrue(first.score() >= minScore, "scored " + first.score());
    assertNull(first.excludedReason());
    assertEquals(29.0, first.evidenceSuccesses(), 1e-9);
    ProxyScore second = model.score(next(40, 29, first));
    assertTrue(second.score() >= minScore, "scored " + second.score());
    double carried = 40 * Math.pow(0.5, 1 / params.memoryHalfLifeDays());
    assertEquals(29 + carried * 29 / 40, second.evidenceSuccesses(), 1e-9);
    assertTrue(ScoreModel.chanceOfAtMost(29, 40, params.goodRate()) > params.failingP());
    assertEquals(ExclusionReason.FAILING_RECORD, second.excludedReason());
    // A good proxy's record never fails: 36 of 40 every day for two weeks.
    ProxyScore good = model.score(seen(40, 36, 0, 300.0));
    for (int day = 1; day < 14; day++) {
      good = model.score(next(40, 36, good));
      assertNull(good.excludedReason(), "day " + day);
    }
    // A change cuts the carried successes as it cuts the carried evidence.
    double decay = Math.pow(0.5, 1 / params.memoryHalfLifeDays());
    ProxyScore died = model.score(next(30, 0, good));
    assertEquals(good.evidence() * decay * params.shiftKeep(), died.carriedEvidence(), 1e-9);
    assertEquals(good.evidenceSuccesses() * decay * params.shiftKeep(), died.evidenceSuccesses(),
        1e-9);
    // A proxy that recovered after a failing week is judged by the day, not by the tenth of
    // its record that the change keeps, which alone would still fail it.
    ProxyScore failing = model.score(seen(40, 10, 0, 300.0));
    for (int day = 1; day < 5; day++) {
      failing = model.score(next(40, 10, failing));
    }
    ProxyScore back = model.score(next(12, 12, failing));
    assertEquals(failing.evidence() * decay * params.shiftKeep(), back.carriedEvidence(), 1e-9);
    assertTrue(ScoreModel.chanceOfAtMost(back.evidenceSuccesses(), back.evidence(),
        params.goodRate()) <= params.failingP(), "the kept record fails the test");
    assertNull(back.excludedReason(), back.toString());
    // A partition written before successes were carried neither condemns nor vouches: its
    // trials count at score.good_rate.
    ProxyScore unknown = model.score(after(40, 29, first.health(), first.evidence()));
    assertEquals(29 + carried * params.goodRate(), unknown.evidenceSuccesses(), 1e-9);
    assertNull(unknown.excludedReason());
  }

  @Test
  void aLuckyDayOfAMediocreProxyIsNoChange() {
    // An eval pool's bad member: a proxy serving 44% carried a health of 31.5 over 9.4
    // attempts, 4.6 of them successes, then had 4 successes in 4. Its record's rate (0.49 with
    // the prior) makes that a 6% day, no change; the health as a rate made it a 1% one, the
    // history was cut to a tenth and the lucky day alone published it.
    ProxyEvidence lucky = new ProxyEvidence(4, 4, 0, 0, 0, 300.0, 0, 0, true, null, null, null,
        null, 31.5, 9.4, 4.6, 1, null, true, ProbeEvidence.NONE);
    double carried = 9.4 * Math.pow(0.5, 1 / params.memoryHalfLifeDays());
    ProxyScore byRecord = model.score(lucky);
    assertEquals(carried, byRecord.carriedEvidence(), 1e-9);
    assertTrue(!published(byRecord), "published at " + byRecord.score());
    ProxyScore byHealth = model.score(after(4, 4, 31.5, 9.4));
    assertEquals(carried * params.shiftKeep(), byHealth.carriedEvidence(), 1e-9);
    assertTrue(published(byHealth), "not published: " + byHealth);
  }

  @Test
  void probationEndsWithEvidenceOrAPassingCheck() {
    assertEquals(ExclusionReason.UNPROVEN, model.score(seen(2, 2, 0, 300.0)).excludedReason());
    assertNull(model.score(seen(3, 3, 0, 300.0)).excludedReason());
    // One passing check ends probation; alone it is too thin to clear the bound (below).
    assertEquals(ExclusionReason.UNCERTAIN,
        model.score(probedOnly(1, 1, 300.0)).excludedReason());
    // Carried evidence counts: yesterday's 10 attempts vouch for a quiet day.
    assertNull(model.score(after(0, 0, 90.0, 10.0)).excludedReason());
  }

  @Test
  void aDayTooPoorForAGoodProxyExcludesItWhateverItsHistory() {
    // Pool members of an eval day (docs/score.md, "Measuring the pool"): an outage of 13
    // failures and a degraded proxy at 44 of 72, both carried above the threshold by history.
    // Change detection by volume only, as then: score.shift.p would cut the history too.
    ScoreModel byVolume = new ScoreModel(ScoreParams.from(PipelineConfig.defaults().with(
        java.util.Map.of(Keys.SCORE_SHIFT_P.name(), "0"))));
    ProxyScore outage = byVolume.score(after(13, 0, 91.5, 71.5));
    ProxyScore degraded = byVolume.score(after(72, 44, 93.2, 245.2));
    assertTrue(outage.score() >= minScore && degraded.score() >= minScore,
        outage.score() + " " + degraded.score() + ": the history alone would publish them");
    assertEquals(ExclusionReason.FAILING, outage.excludedReason());
    assertEquals(ExclusionReason.FAILING, degraded.excludedReason());
    // The bad luck of a good proxy is not failing: one failure in one try, 4 of 6, 16 of 20.
    assertNull(model.score(after(1, 0, 92.0, 50.0)).excludedReason());
    assertNull(model.score(after(6, 4, 92.0, 50.0)).excludedReason());
    assertNull(model.score(after(20, 16, 92.0, 50.0)).excludedReason());
    // A passing check counts for the day too.
    assertNull(model.score(new ProxyEvidence(2, 0, 2, 0, 0, null, 0, 0, true, null, null, null,
        null, 92.0, 50.0, 1, null, true, new ProbeEvidence(2, 2, 300.0))).excludedReason());
    // The exact binomial tail, not an approximation.
    assertEquals(0.2, ScoreModel.chanceOfAtMost(0, 1, 0.8), 1e-12);
    assertEquals(1 - 6 * Math.pow(0.8, 5) * 0.2 - Math.pow(0.8, 6),
        ScoreModel.chanceOfAtMost(4, 6, 0.8), 1e-12);
    assertEquals(1.0, ScoreModel.chanceOfAtMost(6, 6, 0.8));
  }

  @Test
  void aFewClearlyGoodRequestsAfterAnOutageAreAChange() {
    double carried = 100.0 * Math.pow(0.5, 1 / params.memoryHalfLifeDays());
    // Back from an outage that left health at 30: 8 successes in 8 tries a day, far below the
    // 20 attempts score.shift.min_attempts waits for. The first day cuts the history to a
    // tenth, the second publishes it.
    ProxyScore back = model.score(after(8, 8, 30.0, 100.0));
    assertEquals(carried * params.shiftKeep(), back.carriedEvidence(), 1e-9);
    ProxyScore second = model.score(after(8, 8, back.health(), back.evidence()));
    assertTrue(published(second), "a recovered proxy: " + second);
    ScoreModel patient = new ScoreModel(ScoreParams.from(PipelineConfig.defaults().with(
        java.util.Map.of(Keys.SCORE_SHIFT_P.name(), "0"))));
    ProxyScore waiting = patient.score(after(8, 8, 30.0, 100.0));
    assertEquals(carried, waiting.carriedEvidence(), 1e-9);
    ProxyScore still = patient.score(after(8, 8, waiting.health(), waiting.evidence()));
    assertTrue(!published(still), "without the test it was published: " + still);
    // The exact upper tail.
    assertEquals(Math.pow(0.3, 8), ScoreModel.chanceOfAtLeast(8, 8, 0.3), 1e-15);
    assertEquals(1.0, ScoreModel.chanceOfAtLeast(0, 8, 0.3));
  }

  /**
   * The score ranks by what the record promises, the bound admits by what it proves. Under the
   * bound alone, a proxy with 90 successes in 100 outranked one with 10 in 10, and the score
   * followed the traffic more than the truth (docs/score.md, "The day's success rate").
   */
  @Test
  void theScoreRanksByTheRecordsRateAndTheBoundAdmits() {
    ProxyScore quiet = model.score(seen(10, 10, 0, 300.0));
    ProxyScore busy = model.score(seen(100, 90, 0, 300.0));
    assertTrue(quiet.score() > busy.score(), quiet.score() + " against " + busy.score());
    assertTrue(quiet.boundScore() < busy.boundScore(),
        quiet.boundScore() + " against " + busy.boundScore());
    // 9 in 10 and 90 in 100 promise nearly the same rate; the bound sets them 14 points apart.
    double gap = busy.score() - model.score(seen(10, 9, 0, 300.0)).score();
    assertTrue(gap > 0 && gap < 7, "gap " + gap);
    // 4 in 5 promise 71 but prove too little: uncertain, until more good requests come in.
    ProxyScore thin = model.score(seen(5, 4, 0, 300.0));
    assertTrue(thin.score() >= minScore, "scored " + thin.score());
    assertEquals(ExclusionReason.UNCERTAIN, thin.excludedReason());
    assertTrue(published(model.score(seen(20, 19, 0, 300.0))));
    // A score too low to publish is not uncertain, whatever lowers it: here a geo mismatch.
    ProxyScore elsewhere = model.score(new ProxyEvidence(10_000, 10_000, 0, 0, 0, 300.0, 0, 0,
        true, "DE", "US", null, null, null, null, null, null, true));
    assertTrue(elsewhere.score() < minScore && elsewhere.boundScore() < params.minBoundScore());
    assertNull(elsewhere.excludedReason());
    ScoreModel unbounded = new ScoreModel(ScoreParams.from(PipelineConfig.defaults().with(
        Map.of(Keys.SCORE_MIN_BOUND_SCORE.name(), "0"))));
    assertTrue(published(unbounded.score(seen(5, 4, 0, 300.0))));
  }

  /** A p90 or a ban rate of five requests is mostly noise: it moves the score a little. */
  @Test
  void theDaysLatencyAndBansDiscountTheScoreAsFarAsItsTrialsTellThem() {
    double k = params.dayDiscountAttempts();
    assertTrue(k > 0);
    // A p90 of 4 400 ms scores 0.5: at full weight a discount of 0.3 x 0.5.
    for (long n : new long[] {5, 500}) {
      ProxyScore slow = model.score(seen(n, n, 0, 4400.0));
      double trust = n / (n + k);
      assertEquals(Math.round(1000 * slow.recordRate() * (1 - 0.15 * trust)) / 10.0,
          slow.score(), 1e-9, n + " requests");
    }
    ProxyScore banned = model.score(seen(5, 4, 1, 300.0));
    assertEquals(Math.round(1000 * banned.recordRate() * (1 - 0.2 * 5 / (5 + k))) / 10.0,
        banned.score(), 1e-9);
    // The bound takes the day's discounts whole, as the observed score always has.
    assertEquals(100 * banned.availability() * 0.8, banned.observed(), 1e-9);
  }
}
