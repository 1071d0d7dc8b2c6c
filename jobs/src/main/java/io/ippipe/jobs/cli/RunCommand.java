package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.run.RunJob;
import io.ippipe.jobs.run.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"The nightly run of one date: ingest, score and publish (run.stages; probe"
        + " when configured), each staged, committed and marked done with what it consumed. A"
        + " done stage is skipped unless its inputs, its config or an upstream stage changed, so"
        + " a retry redoes only what failed or changed. A failure publishes nothing.",
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

  @Option(names = "--from", paramLabel = "STAGE",
      description = "Redo this stage and every stage that reads what it writes.")
  String from;

  @Option(names = "--stage", paramLabel = "STAGE",
      description = "Run only this stage (one Airflow task per stage).")
  String stage;

  @Option(names = "--client-detail",
      description = "Also the customer's region, city and coordinates (geo.client_detail=true).")
  boolean clientDetail;

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
    if (clientDetail) {
      extra.put(Keys.GEO_CLIENT_DETAIL.name(), "true");
    }
    if (keyId != null) {
      extra.put(Keys.ENCRYPT_KEY_ID.name(), keyId);
    }
    if (redis != null) {
      extra.put(Keys.PUBLISH_REDIS_URL.name(), redis);
    }
    PipelineConfig config = common.resolve(extra);
    RunJob.Options options = new RunJob.Options(Dates.parse(date), out, inputs.inventory,
        inputs.requests, force, from == null ? null : Stage.of(from),
        stage == null ? null : Stage.of(stage));
    return StageRunner.run(config, options, common.master, dryRun, System.out);
  }
}
