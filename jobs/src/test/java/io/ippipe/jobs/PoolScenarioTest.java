package io.ippipe.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.eval.PoolEvaluation;
import io.ippipe.common.synth.Life;
import io.ippipe.common.synth.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool on scenarios built to need one behaviour each, in one fixed-seed simulation of four
 * small days (2 000 proxies, 20 000 requests a day) under the default config: a popular proxy
 * that dies mid-week, a ban wave on one supplier, a new proxy nobody uses, a flaky proxy. Each
 * assertion fails under the pre-issue-19 defaults (prior 50 over 20 attempts, min score 40, no
 * probation, no change detection).
 */
class PoolScenarioTest {
  static final int DAYS = 4;
  static final int CHANGE_DAY = 2;
  static final long DYING = 7;
  static final long FLAKY = 11;
  /** The first proxy to join after day 0: it joins on day 1. */
  static final long QUIET = 2_000;
  static final String WAVE_SUPPLIER = "supplier-03";
  @TempDir static Path base;
  static List<PoolEvaluation.Day> days;
  static Path root;

  /** Four behaviours on top of the natural life of the other proxies. */
  static final class Week implements SyntheticData.Scenario {
    private static final long serialVersionUID = 1L;

    @Override
    public Life.State state(SyntheticData.Proxy x, int day, Life.State n) {
      if (!n.joined()) {
        return n;
      }
      if (x.index() == DYING) {
        boolean dead = day >= CHANGE_DAY;
        return new Life.State(true, true, 0, 0.95, dead, false, false, false, false, 0,
            dead ? 0 : 0.95, dead ? 0 : 0.95);
      }
      if (x.index() == FLAKY) {
        return new Life.State(true, true, 0, 0.4, false, false, false, false, false, 0, 0.4, 0.4);
      }
      if (x.index() == QUIET) {
        return new Life.State(true, true, n.joinDay(), 0.95, false, false, false, false, false, 0,
            0.95, 0.95);
      }
      if (x.supplier().equals(WAVE_SUPPLIER) && day >= CHANGE_DAY && n.listed() && !n.dead()) {
        return new Life.State(true, true, n.joinDay(), n.baseQuality(), false, n.outage(),
            n.degraded(), true, true, n.exitChanges(), n.service(), n.service() * 0.2);
      }
      return n;
    }

    @Override
    public double popularity(SyntheticData.Proxy x, double natural) {
      // Of a total weight near H(2 000) = 8.2: about 60 and 15 requests of 20 000 a day.
      return x.index() == DYING ? 0.025 : x.index() == FLAKY ? 0.006
          : x.index() == QUIET ? 0.0 : natural;
    }
  }

  @BeforeAll
  static void simulate() throws Exception {
    // -Dippipe.pre19=true runs the same week under the settings before issue 19, to see every
    // assertion below fail there.
    String[] conf = Boolean.getBoolean("ippipe.pre19")
        ? ScoreJobTest.PRE_ISSUE_19.stream().filter(a -> !a.equals("--conf")).toArray(String[]::new)
        : new String[0];
    days = PoolEvalTest.simulate(base, "week", DAYS, 2_000, 20_000, Life.DEFAULT, new Week(),
        conf);
    root = base.resolve("week");
  }

  /**
   * ip|port of a proxy index, from the last day's truth (it names every proxy that joined by
   * then). The test may read the truth; the pipeline never does.
   */
  static String endpoint(long index) {
    Row r = SharedSpark.get().read().parquet(root.resolve("input/truth/dt="
            + PoolEvalTest.START.plusDays(DAYS - 1)).toString())
        .filter(col("proxy_index").equalTo(index)).select("ip", "port").first();
    return r.getString(0) + "|" + r.getInt(1);
  }

  static Set<String> pool(int day) {
    SparkSession spark = SharedSpark.get();
    Set<String> out = new HashSet<>();
    for (Row r : spark.read().parquet(root.resolve("lake/pool/dt="
        + PoolEvalTest.START.plusDays(day)).toString()).select("ip", "port").collectAsList()) {
      out.add(r.getString(0) + "|" + r.getInt(1));
    }
    return out;
  }

  @Test
  void aPopularProxyThatDiesLeavesThePoolAtThatDaysRun() {
    String dying = endpoint(DYING);
    assertTrue(pool(CHANGE_DAY - 1).contains(dying), "healthy and popular before it dies");
    assertFalse(pool(CHANGE_DAY).contains(dying), "still published the day it died");
  }

  @Test
  void aBanWaveOnOneSupplierTakesItsBusyProxiesOutThatDay() {
    Dataset<Row> truth = SharedSpark.get().read().parquet(root.resolve("input/truth/dt="
        + PoolEvalTest.START.plusDays(CHANGE_DAY)).toString());
    List<Row> banned = truth.filter(col("supplier").equalTo(WAVE_SUPPLIER)
            .and(col("banned")).and(col("expected_requests").geq(30)))
        .select("ip", "port").collectAsList();
    assertTrue(banned.size() >= 5, "the wave hits " + banned.size() + " busy proxies");
    Set<String> pool = pool(CHANGE_DAY);
    long kept = banned.stream().filter(r -> pool.contains(r.getString(0) + "|" + r.getInt(1)))
        .count();
    assertEquals(0, kept, kept + " of " + banned.size() + " banned busy proxies still published");
  }

  @Test
  void aNewProxyNobodyUsedIsNotPublished() {
    String quiet = endpoint(QUIET);
    for (int d = 1; d < DAYS; d++) {
      assertFalse(pool(d).contains(quiet), "unproven and published on day " + d);
    }
  }

  @Test
  void aFlakyProxyStaysOutEvenWithLittleTraffic() {
    String flaky = endpoint(FLAKY);
    for (int d = 0; d < DAYS; d++) {
      assertFalse(pool(d).contains(flaky), "a proxy failing 60% of its requests published on day " + d);
    }
  }

  @Test
  void thePoolIsMostlyGoodAfterTheFirstDay() {
    for (PoolEvaluation.Day d : days.subList(1, DAYS)) {
      PoolEvaluation.Metrics m = d.policy(PoolEvaluation.IPPIPE);
      assertTrue(m.precision() >= 0.93, "day " + d.day() + " precision " + m.precision());
      assertTrue(m.badExposure() <= 0.02, "day " + d.day() + " bad exposure " + m.badExposure());
    }
  }

  /**
   * The score ranks by the record's rate; the bound score beside it (the score before) ranked
   * busy proxies above quiet ones of the same quality. Against the truth, on the last day, among
   * listed proxies with requests, the score must rank clearly better than the bound.
   */
  @Test
  void theScoreRanksByQualityBetterThanTheBound() {
    String day = "dt=" + PoolEvalTest.START.plusDays(DAYS - 1);
    SparkSession spark = SharedSpark.get();
    Dataset<Row> truth = spark.read().parquet(root.resolve("input/truth/" + day).toString())
        .filter(col("listed")).select(col("ip").as("t_ip"), col("port").as("t_port"),
            col("protocol").as("t_protocol"), col("quality"));
    List<Row> rows = spark.read().parquet(root.resolve("lake/scores/" + day).toString())
        .filter(col("attempts").gt(0))
        .join(truth, col("ip").equalTo(col("t_ip")).and(col("port").equalTo(col("t_port")))
            .and(col("protocol").equalTo(col("t_protocol"))))
        .select("score", "bound_score", "quality").collectAsList();
    List<double[]> byScore = new ArrayList<>();
    List<double[]> byBound = new ArrayList<>();
    for (Row r : rows) {
      byScore.add(new double[] {r.getDouble(0), r.getDouble(2)});
      byBound.add(new double[] {r.getDouble(1), r.getDouble(2)});
    }
    double score = PoolEvaluation.spearman(byScore);
    double bound = PoolEvaluation.spearman(byBound);
    assertTrue(rows.size() > 1000, rows.size() + " proxies");
    assertTrue(score >= bound + 0.03, "Spearman: score " + score + ", bound " + bound);
  }
}
