package io.ippipe.jobs;

import static io.ippipe.jobs.TestLakes.DATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.jobs.lake.Tables;
import io.ippipe.jobs.run.Faults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly run end to end on a generated day, one behaviour per test on a copy of one
 * completed lake: every stage committed and marked, a rerun that changes nothing, --force
 * reproducing the same rows, a failure that leaves the committed outputs and the live pool
 * untouched, stages redone because their inputs, config or upstream changed (and only those),
 * the quality gate inside the run, and the SQL examples of docs/tables.md.
 */
class RunJobTest {
  @TempDir static Path base;
  static Path input;
  static Path done;

  static List<String> args(Path lake, Path in, String... extra) {
    Path geo = base.resolve("geo.csv");
    List<String> a = new ArrayList<>(List.of("run", "--date", DATE, "--out", lake.toString(),
        "--inventory", in.resolve("inventory").toString(),
        "--requests", in.resolve("requests").toString(),
        "--conf", "geo.sources=csv:" + geo + ":country_code+asn+as_org+network_type",
        "--conf", "crypto.keys=t=file:" + TestLakes.key(base), "--key-id", "t",
        "--conf", "validate.max_reject_rate=0.5"));
    a.addAll(List.of(extra));
    return a;
  }

  static CliTest.Run run(Path lake, String... extra) {
    return CliTest.run(args(lake, input, extra).toArray(new String[0]));
  }

  @BeforeAll
  static void oneCompletedRun() throws Exception {
    Files.writeString(base.resolve("geo.csv"), "0.0.0.0,127.255.255.255,US,64500,Example West,isp\n"
        + "128.0.0.0,255.255.255.255,DE,64501,Example East,hosting\n"
        + "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,NL,64502,Example Six,isp\n");
    input = base.resolve("input");
    CliTest.Run g = CliTest.run("generate", "--date", DATE, "--proxies", "300", "--requests", "4000",
        "--inventory-format", "csv", "--log-format", "jsonl", "--out", input.toString());
    assertEquals(0, g.code(), g.err());
    done = base.resolve("done");
    CliTest.Run first = run(done);
    assertEquals(0, first.code(), first.out() + first.err());
  }

  @AfterEach
  void noFaults() {
    Faults.clear();
  }

  /** A copy of the completed lake (markers, tables, live pool) for one test to change. */
  static Path copy(String name) throws Exception {
    Path to = base.resolve(name);
    try (var files = Files.walk(done)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(done.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  /** A copy of the day's input, for tests that change it. */
  static Path copyInput(String name) throws Exception {
    Path to = base.resolve(name);
    try (var files = Files.walk(input)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(input.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static Dataset<Row> table(Path lake, io.ippipe.jobs.lake.Table t) {
    return TestLakes.table(lake, t);
  }

  private static long difference(Dataset<Row> a, Dataset<Row> b) {
    return a.exceptAll(b).count() + b.exceptAll(a).count();
  }

  @Test
  void aDryRunPrintsThePlanAndWritesNothing() {
    Path lake = base.resolve("dry");
    CliTest.Run dry = run(lake, "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("ingest   run: not done yet"), dry.out());
    assertTrue(dry.out().contains("probe    skip: not in run.stages"), dry.out());
    assertFalse(Files.exists(lake), "a dry run writes nothing");
  }

  @Test
  void theFirstRunCommitsAndMarksEveryStage() throws Exception {
    for (String stage : List.of("ingest", "score", "publish")) {
      assertTrue(Files.exists(done.resolve("_runs/dt=" + DATE + "/" + stage + ".json")), stage);
    }
    assertFalse(Files.exists(done.resolve("_staging/dt=" + DATE + "/score")), "staging cleaned up");
    String runJson = Files.readString(done.resolve("_metrics/dt=" + DATE + "/run.json"));
    assertTrue(runJson.contains("\"rejects_by_reason\"") && runJson.contains("\"histogram\"")
        && runJson.contains("\"by_country\"") && runJson.contains("\"config_digest\""), runJson);
    assertFalse(runJson.contains("_staging"), "metrics name the lake, not the staging");
    assertTrue(Files.readString(done.resolve("reports/dt=" + DATE + "/report.html")).contains("chart-pool"));
    assertEquals(300, table(done, Tables.SCORES).count(), "one score row per generated proxy");
    long pool = table(done, Tables.POOL).count();
    assertTrue(pool > 0 && pool <= 300, "pool " + pool);
    long requests = table(done, Tables.REQUESTS).count();
    assertTrue(requests > 3900 && requests < 4000, "valid requests " + requests);
    String marker = Files.readString(done.resolve("_runs/dt=" + DATE + "/score.json"));
    assertTrue(marker.contains("\"score.prior\"") && marker.contains("\"ingest\""), marker);
  }

  @Test
  void aRerunOfACompletedDateChangesNothing() throws Exception {
    Path lake = copy("rerun");
    long modified = Files.getLastModifiedTime(lake.resolve("scores/dt=" + DATE)).toMillis();
    CliTest.Run again = run(lake);
    assertEquals(0, again.code(), again.err());
    assertEquals(3, again.out().split("skipped \\(done at", -1).length - 1, again.out());
    assertEquals(modified, Files.getLastModifiedTime(lake.resolve("scores/dt=" + DATE)).toMillis());
  }

  @Test
  void forceReproducesTheSameRowsAndTheSameLiveVersion() throws Exception {
    Path lake = copy("force");
    String live = Files.readString(lake.resolve("live/CURRENT")).strip();
    // Checkpointed, not cached: a cached path would serve its old rows to every later read of
    // the same path, even after the rerun replaced its files.
    Dataset<Row> scores = table(lake, Tables.SCORES).localCheckpoint();
    Dataset<Row> pool = table(lake, Tables.POOL).localCheckpoint();
    Dataset<Row> requests = table(lake, Tables.REQUESTS).localCheckpoint();
    CliTest.Run forced = run(lake, "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals(0, difference(scores, table(lake, Tables.SCORES)));
    assertEquals(0, difference(pool, table(lake, Tables.POOL)));
    assertEquals(0, difference(requests, table(lake, Tables.REQUESTS)));
    assertTrue(forced.out().contains("already live"), forced.out());
    assertEquals(live, Files.readString(lake.resolve("live/CURRENT")).strip());
  }

  @Test
  void aFailedStageLeavesTheCommittedOutputsAndTheLivePool() throws Exception {
    Path lake = copy("failure");
    String live = Files.readString(lake.resolve("live/CURRENT")).strip();
    Dataset<Row> scores = table(lake, Tables.SCORES).localCheckpoint();
    Faults.at("run.score.before-commit", staging -> {
      throw new IllegalStateException("injected failure in score");
    });
    CliTest.Run failed = run(lake, "--from", "score", "--conf", "publish.min_score=0");
    Faults.clear();
    assertEquals(1, failed.code(), failed.out() + failed.err());
    assertTrue(failed.err().contains("injected failure in score"), failed.err());
    assertEquals(0, difference(scores, table(lake, Tables.SCORES)));
    assertEquals(live, Files.readString(lake.resolve("live/CURRENT")).strip());
    assertFalse(Files.exists(lake.resolve("_runs/dt=" + DATE + "/score.json")), "score not marked done");
    assertFalse(Files.exists(lake.resolve("_staging/dt=" + DATE + "/score")), "no half-written staging");

    // The retry redoes what the failure left undone, and nothing else.
    CliTest.Run retry = run(lake);
    assertEquals(0, retry.code(), retry.err());
    assertTrue(retry.out().contains("ingest   skipped (done at"), retry.out());
    assertTrue(retry.out().contains("score    not done yet"), retry.out());
    assertTrue(retry.out().contains("publish  upstream score runs"), retry.out());
    assertEquals(0, difference(scores, table(lake, Tables.SCORES)));
  }

  /** score's and publish's accounting, each reached by a file gone before it checks. */
  @Test
  void scoreAndPublishReconciliationsCatchAMissingFile() throws Exception {
    for (String[] c : new String[][] {{"score.before-reconcile", "Cannot reconcile score"},
        {"publish.before-reconcile", "Cannot reconcile publish"}}) {
      Path lake = copy("reconcile-" + c[0]);
      String live = Files.readString(lake.resolve("live/CURRENT")).strip();
      Faults.at(c[0], TestLakes::deleteOneDataFile);
      CliTest.Run failed = run(lake, "--from", c[0].split("\\.")[0], "--conf",
          "publish.min_score=0");
      Faults.clear();
      assertEquals(1, failed.code(), c[0] + ": " + failed.out() + failed.err());
      assertTrue(failed.err().contains(c[1]), c[0] + ": " + failed.err());
      assertEquals(live, Files.readString(lake.resolve("live/CURRENT")).strip(),
          c[0] + ": the live pool is unchanged");
    }
  }

  @Test
  void aLateLogFileRedoesIngestAndEverythingAfterIt() throws Exception {
    Path lake = base.resolve("late");
    Path in = copyInput("late-input");
    assertEquals(0, CliTest.run(args(lake, in).toArray(new String[0])).code());
    long before = table(lake, Tables.REQUESTS).count();
    Files.writeString(in.resolve("requests/late.jsonl"), "{\"ts\":\"" + DATE + "T23:59:00Z\","
        + "\"client_ip\":\"198.51.100.7\",\"proxy_ip\":\"88.1.2.3\",\"proxy_port\":8080,"
        + "\"status\":200,\"elapsed_ms\":100,\"bytes\":10}\n");
    CliTest.Run late = CliTest.run(args(lake, in).toArray(new String[0]));
    assertEquals(0, late.code(), late.err());
    assertTrue(late.out().contains("ingest   inputs changed: 1 new file"), late.out());
    assertTrue(late.out().contains("score    upstream ingest runs"), late.out());
    assertTrue(late.out().contains("publish  upstream score runs"), late.out());
    assertEquals(before + 1, table(lake, Tables.REQUESTS).count());
    // The same inputs again: all done.
    CliTest.Run again = CliTest.run(args(lake, in).toArray(new String[0]));
    assertEquals(3, again.out().split("skipped \\(done at", -1).length - 1, again.out());
  }

  @Test
  void aChangedScoreSettingRedoesScoreAndPublishOnly() throws Exception {
    Path lake = copy("config");
    CliTest.Run changed = run(lake, "--conf", "score.prior=30");
    assertEquals(0, changed.code(), changed.err());
    assertTrue(changed.out().contains("ingest   skipped (done at"), changed.out());
    assertTrue(changed.out().contains("score    config changed: score.prior"), changed.out());
    assertTrue(changed.out().contains("publish  upstream score runs"), changed.out());
    // A setting no stage reads changes nothing.
    CliTest.Run unrelated = run(lake, "--conf", "score.prior=30", "--conf", "generate.seed=7");
    assertEquals(3, unrelated.out().split("skipped \\(done at", -1).length - 1, unrelated.out());
  }

  @Test
  void fromAStageRedoesOnlyWhatReadsItsOutputs() throws Exception {
    Path lake = copy("from");
    CliTest.Run from = run(lake, "--from", "score");
    assertEquals(0, from.code(), from.err());
    assertTrue(from.out().contains("ingest   skipped (done at"), from.out());
    assertTrue(from.out().contains("score    --from score"), from.out());
    assertTrue(from.out().contains("publish  --from score"), from.out());
  }

  @Test
  void theQualityGateCommitsIngestsOutputsAndPublishesNothing() throws Exception {
    Path lake = base.resolve("gate");
    CliTest.Run gate = run(lake, "--conf", "validate.max_reject_rate=0.001");
    assertEquals(3, gate.code(), gate.out() + gate.err());
    assertTrue(gate.err().contains("Data-quality gate breached"), gate.err());
    assertTrue(Files.exists(lake.resolve("requests/dt=" + DATE + "/_SUCCESS")), "outputs committed");
    assertTrue(Files.exists(lake.resolve("_metrics/dt=" + DATE + "/ingest.json")), "metrics written");
    assertFalse(Files.exists(lake.resolve("_runs/dt=" + DATE + "/ingest.json")), "not marked done");
    assertFalse(Files.exists(lake.resolve("scores")), "no later stage ran");
    assertFalse(Files.exists(lake.resolve("live")), "nothing published");
  }

  @Test
  void theSqlExamplesOfTheDocsRunAgainstTheLake() throws Exception {
    String docs = Files.readString(Path.of(System.getProperty("ippipe.repo", "..")).resolve("docs/tables.md"));
    // Fences split the page into prose and code, alternately; the paragraph before a sql block
    // names its engine.
    String[] parts = docs.split("```");
    int blocks = 0;
    int spark = 0;
    for (int i = 1; i < parts.length; i += 2) {
      if (!parts[i].startsWith("sql\n")) {
        continue;
      }
      blocks++;
      String prose = parts[i - 1];
      String intro = prose.substring(prose.lastIndexOf("\n\n") + 1);
      String sql = parts[i].substring("sql\n".length());
      if (intro.contains("DuckDB")) {
        continue; // scripts/check-duckdb-docs.mjs runs these (CI)
      }
      if (intro.contains("ippipe sql")) {
        CliTest.Run q = CliTest.run("sql", "--lake", done.toString(), sql);
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("mean_score"), q.out());
        spark++;
        continue;
      }
      assertTrue(intro.contains("Spark SQL"), "a sql block names no engine: " + sql);
      for (String statement : sql.split(";")) {
        if (!statement.isBlank()) {
          SharedSpark.get().sql(statement.replace("out/demo/lake", done.toString())).collectAsList();
        }
      }
      spark++;
    }
    assertTrue(blocks >= 6 && spark >= 3, blocks + " sql blocks, " + spark + " run by Spark");
  }
}
