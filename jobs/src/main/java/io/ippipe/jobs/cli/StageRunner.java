package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.run.RunJob;
import io.ippipe.jobs.run.Stage;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * How every command that runs stages runs them: plan (done markers, staleness), prepare (config,
 * keys, geo, stores: exit 2 before any data is read), then the stages, each staged, committed and
 * marked done. {@code ippipe run} and the one-stage commands ({@code ippipe score} is
 * {@code ippipe run --stage score --force}) share it.
 */
final class StageRunner {
  private StageRunner() {}

  static int run(PipelineConfig config, RunJob.Options options, String master, boolean dryRun,
      PrintStream console) throws Exception {
    Configuration hadoop = Sessions.hadoopConf(master);
    RunJob.Plan plan = RunJob.plan(hadoop, config, options);
    console.println("run " + options.date() + " into " + options.lake() + " (config "
        + config.digest() + ")");
    if (dryRun) {
      plan.decisions().forEach((s, d) -> console.printf("  %-8s %s: %s%n", s.id(),
          d.run() ? "run" : "skip", d.why()));
      return 0;
    }
    RunJob.Prepared prepared = RunJob.prepare(hadoop, config, options, plan);
    SparkSession spark = Sessions.getOrCreate("ippipe-" + (options.only() == null ? "run"
        : options.only().id()), master);
    RunJob.Result r = RunJob.run(spark, config, options, plan, prepared, console);
    console.println("metrics: " + r.runMetrics());
    console.println("report:  " + r.report());
    if (!r.top().isEmpty()) {
      console.println("top of the live pool per country (3 each; all in run.json):");
      r.top().stream().limit(12).forEach(line -> console.println("  " + line));
      if (r.top().size() > 12) {
        console.println("  ... " + (r.top().size() - 12) + " more");
      }
    }
    return 0;
  }

  /** One stage, redone whatever its marker says: what the one-stage commands do. */
  static int stage(Stage stage, PipelineConfig config, String date, String lake,
      List<String> inventory, List<String> requests, String master) throws Exception {
    return run(config, new RunJob.Options(Dates.parse(date), lake, inventory, requests, true, null,
        stage), master, false, System.out);
  }
}
