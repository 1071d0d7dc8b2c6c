package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.jobs.generate.GenerateJob;
import io.ippipe.jobs.io.Sessions;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a seeded synthetic inventory and one day of gateway logs.")
final class GenerateCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "Log date, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output directory (inventory/, requests/).")
  String out;

  @Option(names = "--proxies", defaultValue = "10000", description = "Distinct proxies (default ${DEFAULT-VALUE}).")
  long proxies;

  @Option(names = "--requests", defaultValue = "100000", description = "Log lines (default ${DEFAULT-VALUE}).")
  long requests;

  @Option(names = "--inventory-format", defaultValue = "url",
      description = "plain, url, status, csv, jsonl or parquet (default ${DEFAULT-VALUE}).")
  String inventoryFormat;

  @Option(names = "--log-format", defaultValue = "squid",
      description = "squid, clf, jsonl or parquet (default ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() {
    PipelineConfig config = common.resolve(Map.of());
    if (proxies < 1 || requests < 0) {
      throw new ConfigException("Invalid --proxies/--requests: " + proxies + "/" + requests
          + ", expected proxies >= 1 and requests >= 0");
    }
    InventoryFormat inv;
    LogFormat log;
    try {
      inv = InventoryFormat.fromOption(inventoryFormat);
      log = LogFormat.fromOption(logFormat);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid format: " + e.getMessage()
          + ", expected an inventory format (plain, url, status, csv, jsonl, parquet) and a log format (squid, clf, jsonl, parquet)");
    }
    if (inv == null || log == null) {
      throw new ConfigException("Invalid format: auto, expected a concrete format to generate");
    }
    GenerateJob.Options options = new GenerateJob.Options(Dates.parse(date), proxies, requests,
        inv, log, out);
    SparkSession spark = Sessions.getOrCreate("ippipe-generate", common.master);
    GenerateJob.Result r = GenerateJob.run(spark, config, options);
    System.out.printf("generated %d inventory lines (%s) into %s%n", r.inventoryLines(), inv.text(),
        r.inventoryDir());
    System.out.printf("generated %d log lines (%s) into %s%n", r.requestLines(), log.text(),
        r.requestsDir());
    return 0;
  }
}
