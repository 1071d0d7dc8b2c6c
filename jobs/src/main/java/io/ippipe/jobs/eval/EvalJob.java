package io.ippipe.jobs.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.eval.Baseline;
import io.ippipe.common.eval.PoolEvaluation;
import io.ippipe.common.eval.ProxyDay;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.Prober;
import io.ippipe.common.synth.Life;
import io.ippipe.common.synth.SimulatedProber;
import io.ippipe.common.synth.SyntheticData;
import io.ippipe.jobs.generate.GenerateJob;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.Tables;
import io.ippipe.jobs.probe.ProbeJob;
import io.ippipe.jobs.run.RunJob;
import io.ippipe.jobs.run.Stage;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * eval: simulates days of proxies end to end and measures every day's published pool against
 * the simulation's hidden truth (docs/score.md, "Measuring the pool"). Each day: generate the
 * day's inventory, logs and truth, {@code run} the day exactly as production would (the
 * pipeline reads the inventory and logs, never the truth), then join the truth with the day's
 * scores and pool and hand them to {@link PoolEvaluation}, which also runs the baselines on the
 * same evidence. The arithmetic is in common/; this class only moves the rows.
 */
public final class EvalJob {
  private EvalJob() {}

  /**
   * @param out root of the simulation: {@code input/} (days and {@code truth/}), {@code lake/}
   * @param probes run the probe stage too, its checks answered from the day's truth
   *     ({@link SimulatedProber}) rather than the network
   * @param keepLogs keep each day's generated logs after its run; by default they are deleted
   *     once the day has run, since the lake holds what the pipeline made of them and the
   *     generator makes them again from the seed. At the scale a day's logs are 2.5 GB:
   *     14 days of them filled this machine's disk at day 11 of a 35-minute run.
   */
  public record Options(LocalDate start, int days, long proxies, long requests, String out,
      Life.Rates rates, SyntheticData.Scenario scenario, boolean probes, boolean keepLogs) {}

  public static List<PoolEvaluation.Day> run(SparkSession spark, PipelineConfig config,
      Options o, PrintStream console) throws Exception {
    PoolEvaluation evaluation = new PoolEvaluation(Baseline.all());
    List<PoolEvaluation.Day> days = new ArrayList<>();
    String input = o.out() + "/input";
    String lake = o.out() + "/lake";
    for (int d = 0; d < o.days(); d++) {
      LocalDate date = o.start().plusDays(d);
      // CSV inventories name the supplier and type, JSON-lines logs the port and exit address:
      // the evidence the pipeline is best at, so what is measured is the policy, not parsing.
      GenerateJob.run(spark, config, new GenerateJob.Options(date, o.proxies(), o.requests(),
          InventoryFormat.CSV, LogFormat.JSONL, input, o.start(), 1, true), o.rates(),
          o.scenario());
      String day = input + "/dt=" + date;
      String logs = day + "/requests";
      RunJob.Options run = new RunJob.Options(date, lake, List.of(day + "/inventory"),
          List.of(logs), false, null, null);
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      String truth = input + "/truth/dt=" + date;
      PipelineConfig dayConfig = withProbeStage(config, o.probes());
      RunJob.Plan plan = RunJob.plan(conf, dayConfig, run);
      Broadcast<SimulatedProber> prober = o.probes()
          ? JavaSparkContext.fromSparkContext(spark.sparkContext())
              .broadcast(simulatedProber(spark, config, truth, date))
          : null;
      try {
        RunJob.run(spark, dayConfig, run, plan, RunJob.prepare(conf, dayConfig, run, plan,
                c -> ProbeJob.simulated(c, settings -> new BroadcastProber(prober))),
            new PrintStream(PrintStream.nullOutputStream()));
      } finally {
        if (prober != null) {
          prober.destroy();
        }
      }
      if (!o.keepLogs()) {
        new Path(logs).getFileSystem(conf).delete(new Path(logs), true);
      }
      PoolEvaluation.Day measured = evaluation.measure(rows(spark, new Lake(lake, conf),
          truth, date));
      days.add(measured);
      console.print(PoolEvaluation.table(measured));
      console.flush();
    }
    return days;
  }

  /**
   * The configuration with the probe stage among run.stages (in pipeline order) or out of them:
   * a simulation never checks through the network, whose addresses its proxies borrow.
   */
  public static PipelineConfig withProbeStage(PipelineConfig config, boolean probes) {
    java.util.EnumSet<Stage> stages = java.util.EnumSet.noneOf(Stage.class);
    stages.addAll(Stage.parseList(config.get(Keys.RUN_STAGES)));
    if (probes) {
      stages.add(Stage.PROBE);
    } else {
      stages.remove(Stage.PROBE);
    }
    return config.with(java.util.Map.of(Keys.RUN_STAGES.name(),
        stages.stream().map(Stage::id).collect(java.util.stream.Collectors.joining(", "))));
  }

  /** Checks of the day's listed endpoints as its truth says they would go. */
  static SimulatedProber simulatedProber(SparkSession spark, PipelineConfig config,
      String truthDir, LocalDate date) {
    java.util.Map<String, SimulatedProber.Endpoint> endpoints = new java.util.HashMap<>();
    for (Row r : spark.read().parquet(truthDir).filter(col("listed"))
        .select("ip", "port", "state", "service", "proxy_type", "exit_ip").collectAsList()) {
      endpoints.put(SimulatedProber.key(r.getString(0), r.getInt(1)), new SimulatedProber.Endpoint(
          r.getString(2), r.getDouble(3), r.getString(4), r.getString(5)));
    }
    return new SimulatedProber(endpoints, config.get(Keys.GENERATE_SEED),
        date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli(),
        config.get(Keys.PROBE_RETRIES), config.get(Keys.PROBE_CONNECT_TIMEOUT_MS),
        config.get(Keys.PROBE_RESPONSE_TIMEOUT_MS));
  }

  /** The day's simulated checks, shipped to the executors once per day. */
  private record BroadcastProber(Broadcast<SimulatedProber> simulation) implements Prober {
    @Override
    public List<ProbeResult> checkAll(List<ProbeTarget> targets) {
      return simulation.value().checkAll(targets);
    }
  }

  /** The day's truth beside its scores and pool, one row per endpoint any of them names. */
  static List<ProxyDay> rows(SparkSession spark, Lake lake, String truthDir, LocalDate date) {
    Dataset<Row> truth = spark.read().parquet(truthDir)
        .select(col("ip"), col("port"), col("listed"), col("quality"), col("traffic_share"),
            col("supplier").as("true_supplier"));
    Dataset<Row> scores = lake.read(spark, Tables.SCORES, date)
        .select(col("ip"), col("port"), col("attempts"), col("successes"),
            col("latency_p50_ms"), col("probe_checks"), col("probe_passed"), col("score"),
            col("supplier"));
    Dataset<Row> pool = lake.read(spark, Tables.POOL, date).select(col("ip"), col("port"))
        .distinct().withColumn("in_pool", lit(true));
    List<Row> joined = truth.join(scores, truth.col("ip").equalTo(scores.col("ip"))
            .and(truth.col("port").equalTo(scores.col("port"))), "full_outer")
        .select(org.apache.spark.sql.functions.coalesce(truth.col("ip"), scores.col("ip")).as("ip"),
            org.apache.spark.sql.functions.coalesce(truth.col("port"), scores.col("port")).as("port"),
            col("listed"), col("quality"), col("traffic_share"),
            org.apache.spark.sql.functions.coalesce(col("true_supplier"), col("supplier")).as("sup"),
            col("attempts"), col("successes"), col("latency_p50_ms"), col("probe_checks"),
            col("probe_passed"), col("score"))
        .join(pool, new String[] {"ip", "port"}, "left_outer")
        .collectAsList();
    List<ProxyDay> rows = new ArrayList<>(joined.size());
    for (Row r : joined) {
      rows.add(new ProxyDay(r.getString(0) + "|" + r.getInt(1),
          !r.isNullAt(2) && r.getBoolean(2), r.isNullAt(3) ? 0.0 : r.getDouble(3),
          r.isNullAt(4) ? 0.0 : r.getDouble(4), r.getString(5),
          r.isNullAt(6) ? 0 : r.getLong(6), r.isNullAt(7) ? 0 : r.getLong(7),
          r.isNullAt(8) ? Double.NaN : r.getDouble(8), r.isNullAt(9) ? 0 : r.getLong(9),
          r.isNullAt(10) ? 0 : r.getLong(10), r.isNullAt(11) ? Double.NaN : r.getDouble(11),
          !r.isNullAt(12) && r.getBoolean(12)));
    }
    return rows;
  }
}
