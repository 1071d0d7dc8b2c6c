package io.ippipe.jobs.cli;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.jobs.encrypt.DecryptJob;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.io.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
    description = {"For key holders: reverse encrypted/<dataset>/dt=D/ into decrypted/<dataset>/dt=D/.",
        "Each row's key is chosen by its key_id; every key id used must be in crypto.keys."})
final class DecryptCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to decrypt, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "inventory or requests; repeatable. Default: both.")
  List<String> datasets = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = common.resolve(Map.of());
    java.time.LocalDate day = Dates.parse(date);
    List<String> names = datasets.isEmpty() ? List.of("inventory", "requests") : datasets;
    for (String name : names) {
      if (!name.equals("inventory") && !name.equals("requests")) {
        throw new io.ippipe.common.error.ConfigException("Unknown --dataset " + name
            + ", expected inventory or requests");
      }
    }
    KeyRing keys = KeyLoader.load(config);
    SparkSession spark = Sessions.getOrCreate("ippipe-decrypt", common.master);
    for (String name : names) {
      DecryptJob.Result r = DecryptJob.run(spark, config, keys, new DecryptJob.Options(day, name, out));
      System.out.printf("%-9s %,d rows decrypted (key ids %s) -> %s%n", name, r.rows(), r.keyIds(),
          r.output());
    }
    return 0;
  }
}
