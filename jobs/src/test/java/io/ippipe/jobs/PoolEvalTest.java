package io.ippipe.jobs;

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
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<PoolEvaluation.Day> measured = EvalJob.run(SharedSpark.get(), config(base, conf),
        new EvalJob.Options(START, days, proxies, requests, base.resolve(name).toString(), rates,
            scenario), new PrintStream(console, true, StandardCharsets.UTF_8));
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
}
