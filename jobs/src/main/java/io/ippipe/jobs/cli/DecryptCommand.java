package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.jobs.encrypt.DecryptJob;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.io.Sessions;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
    description = {"For key holders: one date of requests/ with the customer's address in"
        + " plaintext again, written to --into (outside the lake) as requests/dt=D/.",
        "Each row's key is chosen by its key_id; every key id is verified against the check"
            + " values recorded with the data before anything is written."})
final class DecryptCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to decrypt, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "The lake.")
  String lake;

  @Option(names = "--into", required = true, paramLabel = "DIR",
      description = "Where the plaintext goes: a directory outside the lake.")
  String into;

  @Option(names = "--inside-lake",
      description = "Allow --into inside the lake (it then holds plaintext customer addresses).")
  boolean insideLake;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = common.resolve(Map.of());
    KeyRing keys = KeyLoader.load(Sessions.hadoopConf(common.master), config);
    SparkSession spark = Sessions.getOrCreate("ippipe-decrypt", common.master);
    DecryptJob.Result r = DecryptJob.run(spark, keys, config.get(Keys.ENCRYPT_CACHE_ENTRIES),
        new DecryptJob.Options(Dates.parse(date), lake, into, insideLake));
    System.out.printf("requests  %,d rows decrypted (key ids %s) -> %s%n", r.rows(), r.keyIds(),
        r.output());
    return 0;
  }
}
