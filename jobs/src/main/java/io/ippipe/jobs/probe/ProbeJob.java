package io.ippipe.jobs.probe;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.config.Secrets;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.probe.ProbeOutcome;
import io.ippipe.common.probe.ProbeSettings;
import io.ippipe.common.probe.Prober;
import io.ippipe.common.probe.ProxyCredentials;
import io.ippipe.common.probe.RecheckPolicy;
import io.ippipe.jobs.io.CredentialProvider;
import io.ippipe.jobs.io.Frames;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.lake.Tables;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * probe: chooses which inventory endpoints are due for an active check ({@link RecheckPolicy}
 * over the previous probe_state and scores), checks them with up to probe.concurrency checks in
 * flight per task ({@link ProbeTask}), and writes every attempt to {@code probes/dt=D/} and the
 * carried schedule to {@code probe_state/dt=D/}. docs/probe.md is the prose.
 */
public final class ProbeJob {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The probes table's columns: what {@link ProbeTask} emits. */
  public static final StructType PROBES = Tables.PROBES.schema();

  /**
   * Everything needed before Spark starts; building it checks every probe.* setting.
   *
   * @param probers the {@link Prober} of each task, given the task's settings: the network
   *     ({@link #prepare}), or eval's simulation ({@link #simulated})
   */
  public record Prepared(ProbeSettings settings, RecheckPolicy policy,
      ProxyCredentials credentials, Function<ProbeSettings, Prober> probers) {}

  public record Result(LocalDate date, long endpoints, Map<String, Long> due, long checks,
      long attempts, Map<String, Long> outcomes, Map<String, Object> metrics) {
    public String summary() {
      return String.format("%,d checks of %,d listed endpoints (due %s), outcomes %s", checks,
          endpoints, due, outcomes);
    }
  }

  private ProbeJob() {}

  public static Prepared prepare(Configuration hadoop, PipelineConfig config) {
    String judgeUrl = config.get(Keys.PROBE_JUDGE_URL);
    if (!judgeUrl.isBlank()) {
      io.ippipe.common.probe.JudgeUrl.parseList(judgeUrl);
    }
    RecheckPolicy policy = RecheckPolicy.from(config);
    String spec = config.get(Keys.PROBE_CREDENTIALS);
    io.ippipe.common.probe.CredentialOwners owners = config.get(Keys.PROBE_CREDENTIAL_OWNERS);
    ProxyCredentials credentials;
    if (spec.isBlank()) {
      credentials = ProxyCredentials.NONE;
    } else if (spec.startsWith("credential:")) {
      credentials = ProxyCredentials.parse(new String(CredentialProvider.read(hadoop,
          config.get(Keys.CRYPTO_CREDENTIAL_PROVIDER_PATH), spec.substring("credential:".length()),
          "probe.credentials")), owners);
    } else {
      credentials = ProxyCredentials.parse(Secrets.read("probe.credentials", spec), owners);
    }
    // Without a judge URL, from() says so; the key is read only for a judge worth signing for.
    ProbeSettings settings = ProbeSettings.from(config,
        judgeUrl.isBlank() ? null : io.ippipe.jobs.encrypt.KeyLoader.judgeKey(hadoop, config));
    int ioThreads = config.get(Keys.PROBE_IO_THREADS);
    return new Prepared(settings, policy, credentials, s -> new NetworkProber(s, ioThreads));
  }

  /**
   * Probing a simulation (eval): {@code probers} answer in the judge's place, so no judge is
   * reached and none signs; every other probe.* setting is the configuration's.
   */
  public static Prepared simulated(PipelineConfig config, Function<ProbeSettings, Prober> probers) {
    PipelineConfig withJudge = config.with(Map.of(Keys.PROBE_JUDGE_URL.name(), SIMULATED_JUDGE));
    ProbeSettings settings = ProbeSettings.from(withJudge, randomJudgeKey());
    return new Prepared(settings, RecheckPolicy.from(config), ProxyCredentials.NONE, probers);
  }

  private static io.ippipe.common.probe.JudgeKey randomJudgeKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return io.ippipe.common.probe.JudgeKey.of(key);
  }

  /** A judge URL no check ever reaches (RFC 2606's .invalid): simulated checks answer for it. */
  static final String SIMULATED_JUDGE = "http://judge.simulated.invalid/judge";

  /**
   * The schedule's clock: the end of the date, not the wall clock, so that a rerun of a date
   * chooses and schedules exactly what the first run did.
   */
  static long scheduleNowMs(LocalDate date) {
    return date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  public static Result run(SparkSession spark, PipelineConfig config, Prepared prepared,
      LocalDate date, Lake lake, StageOutput out) throws Exception {
    if (!lake.exists(Tables.INVENTORY, date)) {
      throw new ConfigException("Cannot probe " + date + ": no inventory at "
          + lake.partition(Tables.INVENTORY, date) + "; run ingest first");
    }
    int lookback = config.get(Keys.SCORE_LOOKBACK_DAYS);
    Optional<LocalDate> prevState = lake.latestBefore(Tables.PROBE_STATE, date, lookback);
    Optional<LocalDate> prevScores = lake.latestBefore(Tables.SCORES, date, lookback);
    spark.sparkContext().setJobGroup("probe", "ippipe probe " + date, false);
    long now = scheduleNowMs(date);
    RecheckPolicy policy = prepared.policy();

    Dataset<Row> inventory = lake.read(spark, Tables.INVENTORY, date)
        // An inventory written before listed_in names only its kept listing's file.
        .select(col("ip"), col("port"), col("protocol"), col("supplier"),
            coalesce(col("listed_in"), functions.array(col("source_file"))).as("listed_in"))
        .dropDuplicates("ip", "port", "protocol");
    Dataset<Row> state = prevState.isPresent()
        ? lake.read(spark, Tables.PROBE_STATE, prevState.get())
        : spark.createDataFrame(java.util.List.of(), STATE);
    Dataset<Row> scores = prevScores.isPresent()
        ? lake.read(spark, Tables.SCORES, prevScores.get())
            .select(col("ip").as("c_ip"), col("port").as("c_port"),
                col("protocol").as("c_protocol"),
                // Healthy is what the evidence proves, not what it promises: a proxy excluded as
                // uncertain needs its daily checks. Partitions before bound_score: the score was it.
                coalesce(col("bound_score"), col("score")).as("latest_score"))
        : null;

    Dataset<Row> s = Frames.prefixed(state, "s_");
    Dataset<Row> endpoints = inventory.join(s, col("ip").equalTo(col("s_ip"))
        .and(col("port").equalTo(col("s_port"))).and(col("protocol").equalTo(col("s_protocol"))),
        "left");
    if (scores != null) {
      endpoints = endpoints.join(scores, col("ip").equalTo(col("c_ip"))
          .and(col("port").equalTo(col("c_port"))).and(col("protocol").eqNullSafe(col("c_protocol"))),
          "left");
    } else {
      endpoints = endpoints.withColumn("latest_score", lit(null).cast(DataTypes.DoubleType));
    }
    UDF3<Timestamp, Integer, Double, String> dueUdf = (next, failures, score) -> {
      RecheckPolicy.Reason r = policy.due(next == null ? null : next.getTime(),
          failures == null ? 0 : failures, score, now);
      return r == null ? null : r.text();
    };
    // Kept: the due counts, the checks and today's state all read it.
    endpoints = endpoints.withColumn("reason", functions.udf(dueUdf, DataTypes.StringType)
        .apply(col("s_next_due_at"), col("s_consecutive_failures"), col("latest_score")))
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      return checkAndWrite(spark, config, prepared, date, lake, out, endpoints, state, now,
          prevState, prevScores);
    } finally {
      endpoints.unpersist();
    }
  }

  private static Result checkAndWrite(SparkSession spark, PipelineConfig config,
      Prepared prepared, LocalDate date, Lake lake, StageOutput out, Dataset<Row> endpoints,
      Dataset<Row> state, long now, Optional<LocalDate> prevState, Optional<LocalDate> prevScores)
      throws Exception {
    RecheckPolicy policy = prepared.policy();

    Dataset<Row> due = endpoints.filter(col("reason").isNotNull());
    Map<String, Long> dueByReason = new TreeMap<>();
    for (Row r : due.groupBy("reason").count().collectAsList()) {
      dueByReason.put(r.getString(0), r.getLong(1));
    }
    long dueCount = dueByReason.values().stream().mapToLong(Long::longValue).sum();
    long maxChecks = config.get(Keys.PROBE_MAX_CHECKS);
    if (maxChecks > 0 && dueCount > maxChecks) {
      Column urgency = when(col("reason").equalTo("new"), 0).when(col("reason").equalTo("failing"), 1)
          .otherwise(2);
      due = due.orderBy(urgency, col("s_next_due_at").asc_nulls_first(), col("ip"), col("port"),
          col("protocol")).limit((int) Math.min(Integer.MAX_VALUE, maxChecks));
    }
    long toCheck = maxChecks > 0 ? Math.min(dueCount, maxChecks) : dueCount;
    Dataset<Row> dueRows = due.select("ip", "port", "protocol", "supplier", "reason",
            "listed_in")
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    int partitions = config.get(Keys.PROBE_PARTITIONS) > 0 ? config.get(Keys.PROBE_PARTITIONS)
        : spark.sparkContext().defaultParallelism();
    partitions = (int) Math.max(1, Math.min(partitions, toCheck));
    ProbeSettings perTask = prepared.settings()
        .withRatePerSecond(prepared.settings().ratePerSecond() / partitions);

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ProxyCredentials> credentials = jsc.broadcast(prepared.credentials());
    long started = System.nanoTime();
    long attempts;
    try {
      // Hashing on the address keeps all ports of one host in one task, where the per-host
      // limit holds; the checks are computed once (kept for the count and the write).
      Dataset<Row> probes = dueRows.repartition(partitions, col("ip"))
          .mapPartitions(new ProbeTask(prepared.probers().apply(perTask), credentials),
              Encoders.row(PROBES))
          .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      try {
        attempts = probes.count();
        out.write(Tables.PROBES, probes, StageOutput.Layout.sized(attempts,
            config.get(Keys.OUTPUT_ROWS_PER_FILE), "ip", "port", "protocol", "attempt"));
      } finally {
        probes.unpersist();
      }
    } finally {
      credentials.destroy();
      dueRows.unpersist();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    io.ippipe.jobs.run.Faults.hit("probe.before-reconcile", out.partition(Tables.PROBES));
    Dataset<Row> written = out.read(spark, Tables.PROBES);
    Dataset<Row> finals = written.filter(col("final_attempt"));
    Map<String, Long> outcomes = new TreeMap<>();
    for (Row r : finals.groupBy("outcome").count().collectAsList()) {
      outcomes.put(r.getString(0), r.getLong(1));
    }
    long checks = outcomes.values().stream().mapToLong(Long::longValue).sum();
    if (checks != toCheck) {
      throw new IllegalStateException("Cannot reconcile probe: " + toCheck + " checks chosen, "
          + checks + " written");
    }
    Map<String, Long> anonymity = new TreeMap<>();
    for (Row r : finals.filter(col("anonymity").isNotNull()).groupBy("anonymity").count()
        .collectAsList()) {
      anonymity.put(r.getString(0), r.getLong(1));
    }

    Dataset<Row> next = nextState(finals, endpoints, state, policy, now,
        config.get(Keys.SCORE_RETIRE_AFTER_DAYS)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    long stateRows;
    try {
      stateRows = next.count();
      out.write(Tables.PROBE_STATE, next, StageOutput.Layout.sized(stateRows,
          config.get(Keys.OUTPUT_ROWS_PER_FILE), "ip", "port", "protocol"));
    } finally {
      next.unpersist();
    }

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", date.toString());
    doc.put("endpoints_listed", endpoints.count());
    doc.put("due", dueByReason);
    doc.put("deferred_by_max_checks", dueCount - toCheck);
    doc.put("checks", checks);
    doc.put("attempts", attempts);
    doc.put("outcomes", outcomes);
    doc.put("anonymity", anonymity);
    doc.put("seconds", Math.round(seconds * 10) / 10.0);
    doc.put("checks_per_second", seconds > 0 ? Math.round(checks / seconds * 10) / 10.0 : null);
    doc.put("tasks", partitions);
    doc.put("concurrency_per_task", prepared.settings().concurrency());
    doc.put("previous_state", prevState.map(LocalDate::toString).orElse(null));
    doc.put("previous_scores", prevScores.map(LocalDate::toString).orElse(null));
    doc.put("state_rows", stateRows);
    doc.put("credentials", prepared.credentials().toString());
    out.writeMetrics(JSON.writeValueAsString(doc));
    LOG.info("probe {}: {} checks ({} attempts) in {} s, outcomes {}", date, checks,
        attempts, Math.round(seconds), outcomes);
    return new Result(date, (Long) doc.get("endpoints_listed"), dueByReason, checks, attempts,
        outcomes, doc);
  }

  public static final StructType STATE = Tables.PROBE_STATE.schema();

  /**
   * Today's state: every endpoint checked today, updated from its final attempt; every other
   * endpoint of the previous state carried unchanged, unless it is unlisted today and unchecked
   * for score.retire_after_days.
   */
  static Dataset<Row> nextState(Dataset<Row> finals, Dataset<Row> endpoints, Dataset<Row> prev,
      RecheckPolicy policy, long now, int retireAfterDays) {
    Dataset<Row> checked = finals.select(col("ip").as("f_ip"), col("port").as("f_port"),
        col("protocol").as("f_protocol"), col("supplier").as("f_supplier"),
        col("checked_at").as("f_checked_at"), col("outcome").as("f_outcome"));
    Dataset<Row> withPrev = checked.join(Frames.prefixed(prev, "s_"), col("f_ip").equalTo(col("s_ip"))
        .and(col("f_port").equalTo(col("s_port"))).and(col("f_protocol").equalTo(col("s_protocol"))),
        "left")
        .join(endpoints.select(col("ip").as("e_ip"), col("port").as("e_port"),
            col("protocol").as("e_protocol"), col("latest_score")),
            col("f_ip").equalTo(col("e_ip")).and(col("f_port").equalTo(col("e_port")))
                .and(col("f_protocol").equalTo(col("e_protocol"))), "left");
    Column ok = col("f_outcome").equalTo(ProbeOutcome.OK.text());
    Column failures = when(ok, lit(0))
        .otherwise(coalesce(col("s_consecutive_failures"), lit(0)).plus(1));
    UDF3<String, Integer, Double, Timestamp> nextDue = (key, f, score) ->
        new Timestamp(policy.nextDueMs(key, now, f, score));
    Column key = functions.concat_ws("|", col("f_protocol"), col("f_ip"), col("f_port"));
    Dataset<Row> updated = withPrev.select(col("f_ip").as("ip"), col("f_port").as("port"),
        col("f_protocol").as("protocol"), col("f_supplier").as("supplier"),
        coalesce(col("s_first_checked_at"), col("f_checked_at")).as("first_checked_at"),
        col("f_checked_at").as("last_checked_at"), col("f_outcome").as("last_outcome"),
        when(ok, col("f_checked_at")).otherwise(col("s_last_ok_at")).as("last_ok_at"),
        failures.as("consecutive_failures"),
        coalesce(col("s_checks_total"), lit(0L)).plus(1L).as("checks_total"),
        functions.udf(nextDue, DataTypes.TimestampType)
            .apply(key, failures, col("latest_score")).as("next_due_at"));

    Column listed = col("l_ip").isNotNull();
    Column recent = col("last_checked_at").geq(
        lit(new Timestamp(now - retireAfterDays * 86_400_000L)));
    Dataset<Row> carried = prev
        .join(checked, col("ip").equalTo(col("f_ip")).and(col("port").equalTo(col("f_port")))
            .and(col("protocol").equalTo(col("f_protocol"))), "left_anti")
        .join(endpoints.select(col("ip").as("l_ip"), col("port").as("l_port"),
            col("protocol").as("l_protocol")), col("ip").equalTo(col("l_ip"))
            .and(col("port").equalTo(col("l_port"))).and(col("protocol").equalTo(col("l_protocol"))),
            "left")
        .filter(listed.or(recent))
        .select(STATE.fieldNames()[0], java.util.Arrays.copyOfRange(STATE.fieldNames(), 1,
            STATE.fieldNames().length));
    return updated.unionByName(carried);
  }

}
