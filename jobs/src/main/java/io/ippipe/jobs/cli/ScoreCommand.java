package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.score.Blocklists;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.score.ScoreJob;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score every proxy of one date from its request evidence, inventory, geo,"
        + " blocklists and the previous date's scores (docs/score.md).",
        "Reads enriched/{inventory,requests}/dt=D/; writes scores/dt=D/ and"
            + " _metrics/dt=D/score.json."})
final class ScoreCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to score, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = common.resolve(Map.of());
    java.time.LocalDate day = Dates.parse(date);
    // Settings and blocklists are checked before Spark starts: a bad value exits 2.
    Blocklists blocklists = ScoreJob.prepare(config);
    SparkSession spark = Sessions.getOrCreate("ippipe-score", common.master);
    ScoreJob.Result r = ScoreJob.run(spark, config, blocklists, new ScoreJob.Options(day, out));
    System.out.printf("scores    %,d proxies (%,d with requests today), previous %s, excluded %s -> %s%n",
        r.proxies(), r.scored(), r.previous() == null ? "none" : r.previous(), r.excluded(), r.output());
    System.out.println("metrics: " + r.metricsFile());
    return 0;
  }
}
