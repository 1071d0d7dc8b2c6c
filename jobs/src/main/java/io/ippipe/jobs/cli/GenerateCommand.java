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
    description = {"Write a seeded synthetic inventory and gateway logs: one day, or --days"
        + " consecutive days of one simulation (proxies join, leave, die, degrade, recover, get"
        + " banned, change exit), each into OUT/dt=D/.",
        "--truth writes each day's hidden state of every proxy into OUT/truth/dt=D/ (Parquet),"
        + " for evaluations only: no stage reads it."})
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

  @Option(names = "--days", defaultValue = "1",
      description = "Consecutive days from --date (default ${DEFAULT-VALUE}). With more than one,"
          + " --start or --truth, each day goes to OUT/dt=D/inventory and OUT/dt=D/requests.")
  int days;

  @Option(names = "--start", paramLabel = "DATE",
      description = "Day 0 of the simulation (default: --date), to continue one day by day.")
  String start;

  @Option(names = "--truth", description = "Also write each day's truth to OUT/truth/dt=D/.")
  boolean truth;

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
    java.time.LocalDate first = Dates.parse(date);
    GenerateJob.Options options = new GenerateJob.Options(first, proxies, requests, inv, log, out,
        start == null ? first : Dates.parse(start), days, truth);
    SparkSession spark = Sessions.getOrCreate("ippipe-generate", common.master);
    GenerateJob.Result r = GenerateJob.run(spark, config, options);
    System.out.printf("generated %d inventory lines (%s) into %s%n", r.inventoryLines(), inv.text(),
        r.inventoryDir());
    System.out.printf("generated %d log lines (%s) into %s%n", r.requestLines(), log.text(),
        r.requestsDir());
    if (r.truthDir() != null) {
      System.out.printf("truth of %d day(s) into %s/truth%n", days, out);
    }
    return 0;
  }
}
