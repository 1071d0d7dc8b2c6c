package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.geo.GeoCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "geo", mixinStandardHelpOptions = true, description = "Geo index tools.",
    subcommands = {GeoCommand.Compile.class})
final class GeoCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a tool: give compile");
  }

  @Command(name = "compile", mixinStandardHelpOptions = true,
      description = {"Compile geo.sources into one index file that later runs reuse (geo.index=FILE)."})
  static final class Compile implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--out", required = true, description = "The index file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
      PipelineConfig config = common.resolve(Map.of());
      long start = System.nanoTime();
      GeoCatalog catalog = GeoCatalog.load(config.get(io.ippipe.common.config.Keys.GEO_SOURCES),
          config.get(io.ippipe.common.config.Keys.GEO_MAX_AGE_DAYS), java.time.Instant.now());
      catalog.write(out);
      System.out.printf("%s from %d sources in %.1f s -> %s (%,d bytes)%n", catalog.index(),
          catalog.sources().size(), (System.nanoTime() - start) / 1e9, out,
          java.nio.file.Files.size(out));
      return 0;
    }
  }
}
