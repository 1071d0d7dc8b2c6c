package io.ippipe.jobs.cli;

import io.ippipe.jobs.run.Stage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score every proxy of one date from its request evidence, inventory, geo,"
        + " blocklists and the previous date's scores (docs/score.md; run --stage score --force).",
        "Reads inventory/, evidence/ (one row per endpoint, gathered by ingest), probes/ if"
            + " probed and the latest earlier scores/; writes scores/dt=D/ and"
            + " _metrics/dt=D/score.json."})
final class ScoreCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to score, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Override
  public Integer call() throws Exception {
    return StageRunner.stage(Stage.SCORE, common.resolve(Map.of()), date, out, List.of(),
        List.of(), common.master);
  }
}
