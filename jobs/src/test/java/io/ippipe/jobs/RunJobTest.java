package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.jobs.run.RunJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly run end to end on a generated day: every stage committed and marked, a rerun that
 * changes nothing, --force reproducing the same rows, an injected failure that leaves the
 * committed outputs and the live pool untouched, the run metrics and report, and the Spark SQL
 * examples of docs/tables.md executed against the result.
 */
class RunJobTest {
  private static final String DATE = "2026-11-25";

  private static List<String> args(Path dir, String... extra) throws Exception {
    Path geo = dir.resolve("geo.csv");
    if (!Files.exists(geo)) {
      Files.writeString(geo, "0.0.0.0,127.255.255.255,US,64500,Example West,isp\n"
          + "128.0.0.0,255.255.255.255,DE,64501,Example East,hosting\n"
          + "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,NL,64502,Example Six,isp\n");
      CliTest.Run k = CliTest.run("keygen", "--scheme", "master", "--out", dir.resolve("run.key").toString());
      assertEquals(0, k.code(), k.err());
      CliTest.Run g = CliTest.run("generate", "--date", DATE, "--proxies", "300", "--requests", "4000",
          "--inventory-format", "csv", "--log-format", "jsonl", "--out", dir.resolve("input").toString());
      assertEquals(0, g.code(), g.err());
    }
    List<String> a = new ArrayList<>(List.of("run", "--date", DATE, "--out", dir.resolve("lake").toString(),
        "--inventory", dir.resolve("input/inventory").toString(),
        "--requests", dir.resolve("input/requests").toString(),
        "--conf", "geo.sources=csv:" + geo + ":country_code+asn+as_org+network_type",
        "--conf", "crypto.keys=t=file:" + dir.resolve("run.key"), "--key-id", "t",
        "--conf", "validate.max_reject_rate=0.5"));
    a.addAll(List.of(extra));
    return a;
  }

  private static CliTest.Run run(Path dir, String... extra) throws Exception {
    return CliTest.run(args(dir, extra).toArray(new String[0]));
  }

  private static Dataset<Row> table(Path lake, String table) {
    return SharedSpark.get().read().parquet(lake + "/" + table + "/dt=" + DATE);
  }

  private static long difference(Dataset<Row> a, Dataset<Row> b) {
    return a.exceptAll(b).count() + b.exceptAll(a).count();
  }

  @Test
  void runsIdempotentlyReproduciblyAndSurvivesAFailure(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    CliTest.Run dry = run(dir, "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("validate run: not done yet"), dry.out());
    assertFalse(Files.exists(lake), "a dry run writes nothing");

    CliTest.Run first = run(dir);
    assertEquals(0, first.code(), first.err());
    for (String stage : List.of("validate", "geotag", "encrypt", "score", "publish")) {
      assertTrue(Files.exists(lake.resolve("_runs/dt=" + DATE + "/" + stage + ".json")), stage);
    }
    assertFalse(Files.exists(lake.resolve("_staging/dt=" + DATE + "/score")), "staging cleaned up");
    String runJson = Files.readString(lake.resolve("_metrics/dt=" + DATE + "/run.json"));
    assertTrue(runJson.contains("\"rejects_by_reason\"") && runJson.contains("\"histogram\"")
        && runJson.contains("\"by_country\"") && runJson.contains("\"config_digest\""), runJson);
    assertFalse(runJson.contains("_staging"), "metrics name the lake, not the staging");
    assertTrue(Files.readString(lake.resolve("reports/dt=" + DATE + "/report.html")).contains("chart-pool"));
    String live = Files.readString(lake.resolve("live/CURRENT")).strip();
    // Checkpointed, not cached: a cached path would serve its old rows to every later read of
    // the same path, even after a rerun replaced its files.
    Dataset<Row> scores = table(lake, "scores").localCheckpoint();
    Dataset<Row> pool = table(lake, "pool").localCheckpoint();
    Dataset<Row> encrypted = table(lake, "encrypted/requests").localCheckpoint();
    assertEquals(300, scores.count(), "one score row per generated proxy");
    assertTrue(pool.count() > 0 && pool.count() <= scores.count(), "pool " + pool.count());
    long validRequests = table(lake, "validated/requests").count();
    assertTrue(validRequests > 3900 && validRequests < 4000, "valid requests " + validRequests);
    assertEquals(validRequests, encrypted.count());
    long scoresModified = Files.getLastModifiedTime(lake.resolve("scores/dt=" + DATE)).toMillis();

    // A rerun changes nothing: every stage is done.
    CliTest.Run again = run(dir);
    assertEquals(0, again.code(), again.err());
    assertEquals(5, again.out().split("skipped \\(done at", -1).length - 1, again.out());
    assertEquals(scoresModified, Files.getLastModifiedTime(lake.resolve("scores/dt=" + DATE)).toMillis());

    // --force redoes everything and reproduces the same rows and the same live version.
    CliTest.Run forced = run(dir, "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals(0, difference(scores, table(lake, "scores")));
    assertEquals(0, difference(pool, table(lake, "pool")));
    assertEquals(0, difference(encrypted, table(lake, "encrypted/requests")));
    assertTrue(forced.out().contains("already live"), forced.out());
    assertEquals(live, Files.readString(lake.resolve("live/CURRENT")).strip());

    // A failure in score after geotag was redone: scores and the live pool stay as committed.
    Files.writeString(lake.resolve("live/CURRENT"), live + "\n");
    System.setProperty(RunJob.FAIL_STAGE_PROPERTY, "score");
    CliTest.Run failed;
    try {
      failed = run(dir, "--from", "geotag", "--conf", "publish.min_score=0");
    } finally {
      System.clearProperty(RunJob.FAIL_STAGE_PROPERTY);
    }
    assertEquals(1, failed.code(), failed.out() + failed.err());
    assertTrue(failed.err().contains("injected failure in score"), failed.err());
    assertEquals(0, difference(scores, table(lake, "scores")));
    assertEquals(live, Files.readString(lake.resolve("live/CURRENT")).strip());
    assertFalse(Files.exists(lake.resolve("_runs/dt=" + DATE + "/score.json")), "score not marked done");
    assertFalse(Files.exists(lake.resolve("_staging/dt=" + DATE + "/score")), "no half-written staging");

    // The retry redoes what the failure left stale, and nothing else.
    CliTest.Run retry = run(dir);
    assertEquals(0, retry.code(), retry.err());
    assertTrue(retry.out().contains("validate skipped (done at"), retry.out());
    assertTrue(retry.out().contains("geotag   skipped (done at"), retry.out());
    assertTrue(retry.out().contains("score    not done yet"), retry.out());
    assertEquals(0, difference(scores, table(lake, "scores")));

    // The Spark SQL examples in docs/tables.md run against this lake.
    String docs = Files.readString(Path.of(System.getProperty("ippipe.repo", "..")).resolve("docs/tables.md"));
    Matcher m = Pattern.compile("(?s)(Spark SQL|ippipe sql)[^\\n]*\\n```sql\\n(.*?)```").matcher(docs);
    int queries = 0;
    while (m.find()) {
      if (m.group(1).equals("ippipe sql")) {
        CliTest.Run q = CliTest.run("sql", "--lake", lake.toString(), m.group(2));
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("mean_score"), q.out());
        queries++;
        continue;
      }
      for (String statement : m.group(2).split(";")) {
        if (!statement.isBlank()) {
          SharedSpark.get().sql(statement.replace("out/demo/lake", lake.toString())).collectAsList();
          queries++;
        }
      }
    }
    assertTrue(queries >= 5, "ran " + queries + " statements from docs/tables.md");
  }
}
