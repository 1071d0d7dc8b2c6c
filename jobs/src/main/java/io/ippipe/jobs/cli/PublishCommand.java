package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.publish.PoolStore;
import io.ippipe.jobs.publish.PublishJob;
import io.ippipe.jobs.publish.RedisPoolStore;
import io.ippipe.jobs.publish.SnapshotPoolStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Select the next live pool from one date's scores, diff it against the previous"
        + " pool and swap it atomically into the live pool store (docs/publish.md).",
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
    Map<String, String> extra = new LinkedHashMap<>();
    if (redis != null) {
      extra.put(Keys.PUBLISH_REDIS_URL.name(), redis);
    }
    PipelineConfig config = common.resolve(extra);
    java.time.LocalDate day = Dates.parse(date);
    // The store is reached (and the password read) before Spark starts: an unreachable Redis or a
    // missing password exits 2 with nothing written.
    RedisPoolStore redisStore = RedisPoolStore.fromConfig(config);
    SparkSession spark = Sessions.getOrCreate("ippipe-publish", common.master);
    try (PoolStore store = redisStore != null ? redisStore
        : SnapshotPoolStore.fromConfig(config, out, spark.sparkContext().hadoopConfiguration())) {
      PublishJob.Result r = PublishJob.run(spark, config, store, new PublishJob.Options(day, out));
      System.out.printf("pool      %,d proxies in %d groups, version %s %s %s%n", r.poolSize(),
          r.groups().size(), r.version(), r.changed() ? "now live in" : "already live in", r.store());
      System.out.println("changes   " + r.changes());
      System.out.println("top of the pool per country:");
      for (String line : r.top()) {
        System.out.println("  " + line);
      }
      System.out.println("metrics: " + r.metricsFile());
    }
    return 0;
  }
}
