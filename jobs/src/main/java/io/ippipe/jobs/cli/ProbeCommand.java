package io.ippipe.jobs.cli;

import io.ippipe.jobs.run.Stage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
    description = {"Actively check the inventory's proxies that are due (docs/probe.md): TCP"
        + " connect, handshake, a request to the judge through the proxy (run --stage probe"
        + " --force).",
        "Reads inventory/dt=D/, the previous probe_state/ and scores/; writes probes/dt=D/,"
            + " probe_state/dt=D/ and _metrics/dt=D/probe.json."})
final class ProbeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The inventory date, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--judge", paramLabel = "URL[,URL...]",
      description = "Sets probe.judge_url: the judge's URL, or one per port, comma-separated.")
  String judge;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new java.util.LinkedHashMap<>();
    if (judge != null) {
      extra.put("probe.judge_url", judge);
    }
    io.ippipe.common.config.PipelineConfig base = common.resolve(extra);
    // A one-stage command runs its stage even when run.stages leaves it out.
    extra.put("run.stages", withStage(base.get(io.ippipe.common.config.Keys.RUN_STAGES)));
    return StageRunner.stage(Stage.PROBE, common.resolve(extra), date, out, List.of(), List.of(),
        common.master);
  }

  private static String withStage(String stages) {
    List<Stage> list = new java.util.ArrayList<>(Stage.parseList(stages));
    if (!list.contains(Stage.PROBE)) {
      list.add(Stage.PROBE);
      list.sort(null);
    }
    return String.join(", ", list.stream().map(Stage::id).toList());
  }
}
