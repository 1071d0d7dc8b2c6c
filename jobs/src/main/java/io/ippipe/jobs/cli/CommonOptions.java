package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every job takes: the config file, key overrides and the Spark master. */
public final class CommonOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Pipeline config file (key = value). Default: $IPPIPE_CONF, else built-in defaults.")
  Path config;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Override one config key; repeatable. Wins over the config file.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master. Default: the spark-submit master, else local[*].")
  String master;

  @Option(names = {"-v", "--verbose"},
      description = "Echo the effective config (secrets masked), log at INFO (ippipe) and show "
          + "stack traces.")
  boolean verbose;

  private boolean echoed;

  /** Resolves CLI > file > defaults; {@code extra} are CLI options that map to config keys. */
  PipelineConfig resolve(Map<String, String> extra) {
    Path file = config;
    if (file == null && System.getenv("IPPIPE_CONF") != null && !System.getenv("IPPIPE_CONF").isBlank()) {
      file = Path.of(System.getenv("IPPIPE_CONF"));
    }
    Map<String, String> fileValues = Map.of();
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new ConfigException("Cannot read config file " + file + ": not found or not readable");
      }
      fileValues = PipelineConfig.readFile(file);
    }
    Map<String, String> cli = new LinkedHashMap<>(PipelineConfig.parseOverrides(overrides));
    cli.putAll(extra);
    PipelineConfig resolved = PipelineConfig.of(fileValues, cli);
    // On the console, not through the logger: the echo must not depend on the log configuration.
    if (verbose && !echoed) {
      echoed = true;
      resolved.describe().forEach(line -> System.err.println("config: " + line));
    }
    return resolved;
  }
}
