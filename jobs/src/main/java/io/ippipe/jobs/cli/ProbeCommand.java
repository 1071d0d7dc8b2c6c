package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.probe.ProbeJob;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
    description = {"Actively check the inventory's proxies that are due (docs/probe.md): TCP"
        + " connect, handshake, a request to the judge through the proxy.",
        "Reads validated/inventory/dt=D/, the previous probe_state/ and scores/; writes"
            + " probes/dt=D/, probe_state/dt=D/ and _metrics/dt=D/probe.json."})
final class ProbeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The inventory date, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--judge", paramLabel = "URL", description = "Sets probe.judge_url.")
  String judge;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = common.resolve(judge == null ? Map.of()
        : Map.of("probe.judge_url", judge));
    java.time.LocalDate day = Dates.parse(date);
    // Judge, limits, policy and credentials are checked before Spark starts: bad ones exit 2.
    ProbeJob.Prepared prepared = ProbeJob.prepare(config);
    SparkSession spark = Sessions.getOrCreate("ippipe-probe", common.master);
    ProbeJob.Result r = ProbeJob.run(spark, config, prepared, new ProbeJob.Options(day, out));
    System.out.printf("probes    %,d checks (%,d attempts) of %,d listed endpoints, due %s,"
        + " outcomes %s -> %s%n", r.checks(), r.attempts(), r.endpoints(), r.due(), r.outcomes(),
        r.output());
    System.out.println("metrics: " + r.metricsFile());
    return 0;
  }
}
