package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.jobs.encrypt.EncryptJob;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.io.Sessions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
    description = {"Pseudonymise the address columns of one date (encrypt.columns) with ipcrypt or"
        + " Crypto-PAn.", "Writes encrypted/<dataset>/dt=D/ with a key_id column and _encryption.json."})
final class EncryptCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EncryptCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to encrypt, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--key-id", description = "Overrides encrypt.key_id.")
  String keyId;

  @Option(names = "--mode", description = "Overrides encrypt.mode: replace or add.")
  String mode;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    if (keyId != null) {
      extra.put(Keys.ENCRYPT_KEY_ID.name(), keyId);
    }
    if (mode != null) {
      extra.put(Keys.ENCRYPT_MODE.name(), mode);
    }
    PipelineConfig config = common.resolve(extra);
    java.time.LocalDate day = Dates.parse(date);
    // Keys are loaded and checked before Spark starts: a key problem exits 2 having read nothing.
    KeyRing keys = KeyLoader.load(config);
    EncryptJob.checkKeys(config, keys);
    config.describe().forEach(line -> LOG.info("config: {}", line));
    LOG.info("keys: {}", keys);
    SparkSession spark = Sessions.getOrCreate("ippipe-encrypt", common.master);
    EncryptJob.Result r = EncryptJob.run(spark, config, keys, new EncryptJob.Options(day, out));
    for (EncryptJob.DatasetResult d : r.datasets()) {
      System.out.printf("%-9s %,d rows encrypted with key id %s: %s -> %s%n", d.dataset(), d.rows(),
          r.keyId(), String.join(", ", d.columns()), d.output());
    }
    System.out.println("metrics: " + r.metricsFile());
    return 0;
  }
}
