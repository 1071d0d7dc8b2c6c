package io.ippipe.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.eval.PoolEvaluation;
import io.ippipe.common.synth.Life;
import io.ippipe.common.synth.SyntheticData;
import io.ippipe.jobs.eval.EvalJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool measured against the simulation's truth over a few small days (local[2], a couple of
 * thousand proxies): the evaluation itself, and the scenarios the pool must get right.
 */
class PoolEvalTest {
  @TempDir static Path base;
  static final LocalDate START = LocalDate.of(2026, 11, 1);

  static PipelineConfig config(Path base, String... extra) {
    Map<String, String> cli = new java.util.LinkedHashMap<>();
    cli.put("crypto.keys", "t=file:" + TestLakes.key(base));
    cli.put("encrypt.key_id", "t");
    cli.put("geo.sources", "");
    cli.put("generate.address_ranges", "");
    cli.putAll(PipelineConfig.parseOverrides(List.of(extra)));
    return PipelineConfig.of(Map.of(), cli);
  }

  /** A simulation under {@code base/name}, its tables printed as the command prints them. */
  static List<PoolEvaluation.Day> simulate(Path base, String name, int days, long proxies,
      long requests, Life.Rates rates, SyntheticData.Scenario scenario, String... conf)
      throws Exception {
    return simulate(base, name, days, proxies, requests, rates, scenario, false, conf);
  }

  static List<PoolEvaluation.Day> simulate(Path base, String name, int days, long proxies,
      long requests, Life.Rates rates, SyntheticData.Scenario scenario, boolean probes,
      String... conf) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<PoolEvaluation.Day> measured = EvalJob.run(SharedSpark.get(), config(base, conf),
        new EvalJob.Options(START, days, proxies, requests, base.resolve(name).toString(), rates,
            scenario, probes, false), new PrintStream(console, true, StandardCharsets.UTF_8));
    System.out.print(console.toString(StandardCharsets.UTF_8));
    return measured;
  }

  @Test
  void everyDayIsMeasuredAgainstATruthThePipelineNeverSees() throws Exception {
    List<PoolEvaluation.Day> days = simulate(base, "plain", 2, 1500, 15_000, Life.DEFAULT,
        SyntheticData.Scenario.NONE);
    assertEquals(2, days.size());
    Path root = base.resolve("plain");
    assertTrue(Files.isDirectory(root.resolve("input/truth/dt=2026-11-02")));
    // Each day's logs go once the day has run (the lake holds what the pipeline made of them):
    // a simulation at the scale wrote 2.5 GB of logs a day and filled the disk.
    for (String date : List.of("2026-11-01", "2026-11-02")) {
      assertFalse(Files.exists(root.resolve("input/dt=" + date + "/requests")), date);
      assertTrue(Files.isDirectory(root.resolve("input/dt=" + date + "/inventory")), date);
      assertTrue(Files.isDirectory(root.resolve("lake/requests/dt=" + date)), date);
    }
    try (Stream<Path> lake = Files.walk(root.resolve("lake"))) {
      assertFalse(lake.anyMatch(p -> p.toString().contains("truth")), "truth leaked into the lake");
    }
    for (PoolEvaluation.Day d : days) {
      PoolEvaluation.Metrics ippipe = d.policy(PoolEvaluation.IPPIPE);
      assertTrue(ippipe.size() > 0);
      assertTrue(d.listed() >= 1400, "listed " + d.listed());
      for (PoolEvaluation.Metrics m : d.policies()) {
        assertTrue(m.size() <= ippipe.size(), m.policy() + " is larger than ippipe's pool");
      }
    }
  }

  @Test
  void aSimulationChecksThroughItsTruthOrNotAtAllNeverThroughTheNetwork() {
    PipelineConfig probing = config(base, "run.stages=ingest, probe, score, publish");
    assertEquals("ingest, score, publish",
        EvalJob.withProbeStage(probing, false).get(io.ippipe.common.config.Keys.RUN_STAGES));
    assertEquals("ingest, probe, score, publish", EvalJob.withProbeStage(config(base), true)
        .get(io.ippipe.common.config.Keys.RUN_STAGES));
  }

  /** Targets ban one supplier's proxies from day 0 on; our judge is no such target. */
  static final class BannedSupplier implements SyntheticData.Scenario {
    private static final long serialVersionUID = 1L;
    static final String SUPPLIER = "supplier-02";

    @Override
    public Life.State state(SyntheticData.Proxy x, int day, Life.State n) {
      if (!n.joined() || !n.listed() || n.dead() || n.outage() || !x.supplier().equals(SUPPLIER)) {
        return n;
      }
      return new Life.State(true, true, n.joinDay(), n.baseQuality(), false, false, n.degraded(),
          true, true, n.exitChanges(), n.service(), n.service() * 0.2);
    }
  }

  @Test
  void withProbesEveryListedEndpointIsCheckedAsItsTruthSaysAndChecksEndProbation()
      throws Exception {
    simulate(base, "probed", 2, 1500, 15_000, Life.DEFAULT, new BannedSupplier(), true);
    SparkSession spark = SharedSpark.get();
    Path root = base.resolve("probed");
    // Day 0: nothing is carried yet and every listed endpoint is new, so due for a check.
    String day = "dt=" + START;
    Dataset<Row> truth = spark.read().parquet(root.resolve("input/truth/" + day).toString())
        .filter(col("listed")).select("ip", "port", "supplier", "state", "banned");
    Dataset<Row> scores = spark.read().parquet(root.resolve("lake/scores/" + day).toString())
        .select("ip", "port", "attempts", "probe_checks", "probe_passed");
    Dataset<Row> pool = spark.read().parquet(root.resolve("lake/pool/" + day).toString())
        .select(col("ip").as("p_ip"), col("port").as("p_port"));
    Dataset<Row> joined = truth.join(scores, new String[] {"ip", "port"})
        .join(pool, col("ip").equalTo(col("p_ip")).and(col("port").equalTo(col("p_port"))),
            "left").cache();

    long scored = joined.count();
    assertTrue(scored >= 1400, scored + " listed endpoints scored");
    assertEquals(0, joined.filter(col("probe_checks").equalTo(0)).count(),
        "a listed endpoint went unchecked on its first day");
    assertEquals(0, joined.filter(col("state").isin("dead", "outage")
        .and(col("probe_passed").gt(0))).count(), "a dead or unreachable proxy passed a check");
    Dataset<Row> banned = joined.filter(col("supplier").equalTo(BannedSupplier.SUPPLIER)
        .and(col("banned")));
    long bannedChecked = banned.count();
    long bannedPassing = banned.filter(col("probe_passed").gt(0)).count();
    assertTrue(bannedChecked >= 50, bannedChecked + " banned proxies checked");
    assertTrue(bannedPassing > bannedChecked * 0.8, bannedPassing + " of " + bannedChecked
        + " banned proxies passed: the judge is no target that bans");
    // Under score.probation_evidence (3) a proxy is unproven unless a check vouches for it.
    long vouchedByChecks = joined.filter(col("attempts").lt(3).and(col("probe_passed").gt(0))
        .and(col("p_ip").isNotNull())).count();
    assertTrue(vouchedByChecks > 0,
        "no proxy with under 3 requests entered the pool on a passing check");
    joined.unpersist();

    long rechecked = spark.read().parquet(root.resolve("lake/probes/dt=" + START.plusDays(1))
        .toString()).filter(col("final_attempt")).count();
    assertTrue(rechecked > 0, "nothing was due for a check on day 1");
  }
}
