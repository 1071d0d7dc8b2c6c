package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.run.RunJob;
import io.ippipe.jobs.run.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"The nightly run of one date: validate, geotag, encrypt, score and publish"
        + " (run.stages), each staged, committed and marked done; done stages are skipped, so a"
        + " retry redoes only what failed. A failure publishes nothing.",
        "Writes every stage's tables, _metrics/dt=D/run.json and reports/dt=D/report.html."})
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to run, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Mixin DayInputs inputs;

  @Option(names = "--force", description = "Redo every stage, done or not.")
  boolean force;

  @Option(names = "--from", paramLabel = "STAGE", description = "Redo this stage and all later ones.")
  String from;

  @Option(names = "--stage", paramLabel = "STAGE",
      description = "Run only this stage (one Airflow task per stage).")
  String stage;

  @Option(names = "--client-ip", description = "Also geo-tag requests.client_ip (geo.client_ip=true).")
  boolean clientIp;

  @Option(names = "--key-id", description = "Overrides encrypt.key_id.")
  String keyId;

  @Option(names = "--redis", paramLabel = "URL", description = "Overrides publish.redis.url.")
  String redis;

  @Option(names = "--dry-run",
      description = "Check the options and config and print the plan; read no data, start no Spark.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    if (clientIp) {
      extra.put(Keys.GEO_CLIENT_IP.name(), "true");
    }
    if (keyId != null) {
      extra.put(Keys.ENCRYPT_KEY_ID.name(), keyId);
    }
    if (redis != null) {
      extra.put(Keys.PUBLISH_REDIS_URL.name(), redis);
    }
    PipelineConfig config = common.resolve(extra);
    RunJob.Options options = new RunJob.Options(Dates.parse(date), out, inputs.inventory,
        inputs.requests, force,
        from == null ? null : Stage.of(from), stage == null ? null : Stage.of(stage));
    RunJob.Plan plan = RunJob.plan(new Configuration(), config, options);
    System.out.println("run " + options.date() + " into " + out + " (config " + config.digest() + ")");
    if (dryRun) {
      plan.decisions().forEach((s, d) -> System.out.printf("  %-8s %s%n", s.id(), d));
      return 0;
    }
    // Geo sources, keys, blocklists and the live store are checked before Spark starts.
    RunJob.Prepared prepared = RunJob.prepare(config, options, plan);
    SparkSession spark = Sessions.getOrCreate("ippipe-run", common.master);
    RunJob.Result r = RunJob.run(spark, config, options, plan, prepared, System.out);
    System.out.println("metrics: " + r.runMetrics());
    System.out.println("report:  " + r.report());
    if (!r.top().isEmpty()) {
      System.out.println("top of the live pool per country (3 each; all in run.json):");
      r.top().stream().limit(12).forEach(line -> System.out.println("  " + line));
      if (r.top().size() > 12) {
        System.out.println("  ... " + (r.top().size() - 12) + " more");
      }
    }
    return 0;
  }
}
