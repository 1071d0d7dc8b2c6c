package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.validate.ValidateJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Parse and check inventories and gateway logs of one date.",
        "Writes validated/, rejects/ and _metrics/ under --out; read = valid + rejected per file."})
final class ValidateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ValidateCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date being validated, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Mixin DayInputs inputs;

  @Option(names = "--inventory-format", description = "Overrides validate.inventory.format.")
  String inventoryFormat;

  @Option(names = "--log-format", description = "Overrides validate.requests.format.")
  String logFormat;

  @Option(names = "--max-reject-rate", description = "Overrides validate.max_reject_rate.")
  String maxRejectRate;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    if (inventoryFormat != null) {
      extra.put(Keys.VALIDATE_INVENTORY_FORMAT.name(), inventoryFormat);
    }
    if (logFormat != null) {
      extra.put(Keys.VALIDATE_REQUESTS_FORMAT.name(), logFormat);
    }
    if (maxRejectRate != null) {
      extra.put(Keys.VALIDATE_MAX_REJECT_RATE.name(), maxRejectRate);
    }
    PipelineConfig config = common.resolve(extra);
    ValidateJob.Options options =
        new ValidateJob.Options(Dates.parse(date), inputs.inventory, inputs.requests, out);
    config.describe().forEach(line -> LOG.info("config: {}", line));
    SparkSession spark = Sessions.getOrCreate("ippipe-validate", common.master);
    try {
      ValidateJob.Result r = ValidateJob.run(spark, config, options);
      print(r);
    } catch (io.ippipe.common.error.QualityGateException e) {
      System.out.println("validate: quality gate breached; see the metrics under " + out + "/_metrics");
      throw e;
    }
    return 0;
  }

  private void print(ValidateJob.Result r) {
    for (ValidateJob.DatasetMetrics m : r.datasets().values()) {
      System.out.printf("%-9s read %,d  valid %,d  (duplicates %,d, rows written %,d)  rejected %,d  "
              + "(structural %,d)  reject rate %.2f%%%n", m.dataset(), m.recordsRead(), m.valid(),
          m.duplicates(), m.rowsWritten(), m.rejected(), m.structuralRejects(), 100 * m.rejectRate());
    }
    System.out.println("metrics: " + r.metricsFile());
  }
}
