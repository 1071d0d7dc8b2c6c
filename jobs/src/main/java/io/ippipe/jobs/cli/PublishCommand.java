package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.jobs.run.Stage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Select the next live pool from one date's scores, diff it against the previous"
        + " pool and swap it atomically into the live pool store (docs/publish.md; run --stage"
        + " publish --force).",
        "Writes pool/dt=D/, pool_changes/dt=D/ and _metrics/dt=D/publish.json; the store is Redis"
            + " (--redis or publish.redis.url) or, by default, a JSON-lines snapshot in <out>/live."})
final class PublishCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to publish, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--redis", paramLabel = "URL",
      description = "redis://host:port/db (publish.redis.url). The password comes from "
          + "publish.redis.password (env:VAR or file:PATH), never from the command line.")
  String redis;

  @Override
  public Integer call() throws Exception {
    return StageRunner.stage(Stage.PUBLISH, common.resolve(redis == null ? Map.of()
        : Map.of(Keys.PUBLISH_REDIS_URL.name(), redis)), date, out, List.of(), List.of(),
        common.master);
  }
}
