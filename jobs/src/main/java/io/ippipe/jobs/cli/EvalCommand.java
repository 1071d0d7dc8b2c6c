package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.eval.PoolEvaluation;
import io.ippipe.common.synth.Life;
import io.ippipe.common.synth.SyntheticData;
import io.ippipe.jobs.eval.EvalJob;
import io.ippipe.jobs.io.Sessions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Measures the live pool against ground truth over simulated days: each day"
        + " generates inventory, logs and the hidden truth (OUT/input), runs the day into"
        + " OUT/lake as `ippipe run` does, then compares the published pool with the truth and"
        + " with the baselines at equal size: precision, recall, bad exposure, Spearman,"
        + " reaction, churn (docs/score.md, \"Measuring the pool\").",
        "Prints a table per day and writes OUT/eval/report.txt with a precision/recall chart."})
final class EvalCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--start", defaultValue = "2026-11-01",
      description = "Day 0 of the simulation (default ${DEFAULT-VALUE}).")
  String start;

  @Option(names = "--days", defaultValue = "14", description = "Days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--proxies", defaultValue = "5000",
      description = "Proxies on day 0 (default ${DEFAULT-VALUE}).")
  long proxies;

  @Option(names = "--requests", defaultValue = "200000",
      description = "Log lines per day (default ${DEFAULT-VALUE}).")
  long requests;

  @Option(names = "--out", required = true, description = "Simulation root.")
  String out;

  @Option(names = "--probes", description = "Run the probe stage as well (run.stages plus"
      + " probe), its checks answered from each day's truth instead of the network: a dead"
      + " proxy does not answer, a banned one passes (the judge is no banning target).")
  boolean probes;

  @Option(names = "--keep-logs", description = "Keep each day's generated logs (OUT/input/dt=D/"
      + "requests) after its run; by default they are deleted once the day has run, as a day"
      + " of 10 M lines is 2.5 GB. The lake keeps the requests table.")
  boolean keepLogs;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = common.resolve(Map.of());
    SparkSession spark = Sessions.getOrCreate("ippipe-eval", common.master);
    List<PoolEvaluation.Day> measured = EvalJob.run(spark, config, new EvalJob.Options(
        Dates.parse(start), days, proxies, requests, out, Life.DEFAULT,
        SyntheticData.Scenario.NONE, probes, keepLogs), System.out);
    StringBuilder report = new StringBuilder("ippipe eval --start " + start + " --days " + days
        + " --proxies " + proxies + " --requests " + requests + (probes ? " --probes" : "")
        + " (config " + config.digest()
        + ")\n\n");
    measured.forEach(d -> report.append(PoolEvaluation.table(d)).append('\n'));
    report.append(PoolEvaluation.chart(measured));
    Path file = Path.of(out, "eval", "report.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
    System.out.print(PoolEvaluation.chart(measured));
    System.out.println("report: " + file);
    return 0;
  }
}
