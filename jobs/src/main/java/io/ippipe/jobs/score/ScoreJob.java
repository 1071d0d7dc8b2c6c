package io.ippipe.jobs.score;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.score.Blocklists;
import io.ippipe.common.score.ExclusionReason;
import io.ippipe.common.score.ScoreParams;
import io.ippipe.jobs.io.Frames;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.lake.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * score: per proxy endpoint (ip, port, protocol), the day's request evidence (the
 * {@code evidence} table ingest gathered as it parsed the requests; score never reads them),
 * joined to the inventory (attributes and geo), blocklists and the previous scores partition,
 * then scored by {@link io.ippipe.common.score.ScoreModel} into {@code scores/dt=D/}.
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The attributes a score row carries from the inventory and geo, also carried day to day. */
  static final List<String> ATTRIBUTES = List.of("ip_bytes", "proxy_type", "supplier",
      "claimed_country", "country_code", "region", "city", "asn", "as_org", "network_type");
  static final List<String> COUNTS = List.of("attempts", "successes", "connect_failures", "bans",
      "upstream_errors", "bytes", "exit_observed", "exit_mismatches");
  /** The latency quantiles of the evidence, carried as they are. */
  static final List<String> LATENCY_QUANTILES = List.of("latency_p50_ms", "latency_p90_ms",
      "latency_p99_ms");

  public record Result(LocalDate date, long proxies, long scored, Map<String, Long> excluded,
      String previous, Map<String, Long> histogram, Map<String, Object> metrics) {
    public String summary() {
      return String.format("%,d proxies, %,d with requests, previous %s, excluded %s", proxies,
          scored, previous == null ? "none" : previous, excluded);
    }
  }

  private ScoreJob() {}

  /** Checks the score settings and loads score.blocklists: every problem is a ConfigException. */
  public static Blocklists prepare(PipelineConfig config) {
    ScoreParams.from(config);
    return Blocklists.load(config.get(Keys.SCORE_BLOCKLISTS));
  }

  public static Result run(SparkSession spark, PipelineConfig config, Blocklists blocklists,
      LocalDate date, Lake lake, StageOutput out) throws Exception {
    ScoreParams params = ScoreParams.from(config);
    if (!lake.exists(Tables.INVENTORY, date)) {
      throw new ConfigException("Cannot score " + date + ": no inventory at "
          + lake.partition(Tables.INVENTORY, date) + "; run ingest first");
    }
    Optional<LocalDate> previous = lake.latestBefore(Tables.SCORES, date,
        config.get(Keys.SCORE_LOOKBACK_DAYS));
    spark.sparkContext().setJobGroup("score", "ippipe score " + date, false);

    // The day's evidence per endpoint, gathered by ingest as it parsed the requests; small
    // (one row per endpoint). The three joins that use it each read the Parquet files: a cache
    // would build compressed column batches of every column, which costs more than the reads.
    Dataset<Row> evidence = lake.exists(Tables.EVIDENCE, date)
        ? lake.read(spark, Tables.EVIDENCE, date) : null;
    Dataset<Row> today = todaysEndpoints(lake.read(spark, Tables.INVENTORY, date), evidence);
    Column day = lit(java.sql.Date.valueOf(date));
    Dataset<Row> joined;
    if (previous.isPresent()) {
      Dataset<Row> prev = lake.read(spark, Tables.SCORES, previous.get())
          .filter(col("excluded_reason").isNull()
              .or(col("excluded_reason").notEqual(ExclusionReason.RETIRED)));
      joined = carry(today, prev, previous.get());
    } else {
      // withColumns appends new columns in no set order (Spark makes the map a Scala map):
      // the output's order is outputColumns()'s.
      Map<String, Column> none = new LinkedHashMap<>();
      none.put("previous_health", lit(null).cast(DataTypes.DoubleType));
      none.put("previous_evidence", lit(null).cast(DataTypes.DoubleType));
      none.put("previous_successes", lit(null).cast(DataTypes.DoubleType));
      none.put("previous_dt", lit(null).cast(DataTypes.DateType));
      none.put("previous_last_listed", lit(null).cast(DataTypes.DateType));
      joined = today.withColumns(none);
    }
    joined = withProbes(joined,
        lake.exists(Tables.PROBES, date) ? lake.read(spark, Tables.PROBES, date) : null);
    joined = joined.withColumn("last_listed",
        when(col("in_inventory"), day).otherwise(col("previous_last_listed")));

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Blocklists> lists = jsc.broadcast(blocklists);
    try {
      Map<String, Column> derived = new LinkedHashMap<>();
      derived.put("blocklist", col("__check.blocklist"));
      derived.put("globally_reachable", col("__check.globally_reachable"));
      derived.put("days_since_last_seen", datediff(day, to_date(col("last_seen"))));
      derived.put("days_since_listed", datediff(day, col("last_listed")));
      derived.put("days_since_previous", datediff(day, col("previous_dt")));
      Dataset<Row> checked = joined
          .withColumn("__check", functions.udf(new AddressCheckUdf(lists), AddressCheckUdf.RESULT)
              .apply(col("ip_bytes")))
          .withColumns(derived);
      Column[] evidenceColumns = Arrays.stream(ScoreUdf.EVIDENCE).map(functions::col)
          .toArray(Column[]::new);
      // One row per proxy: small, kept for the write and the summary so that nothing is
      // computed twice and the written files are checked by their footers alone.
      Dataset<Row> scored = checked.withColumn("__score",
              functions.udf(new ScoreUdf(params), ScoreUdf.RESULT).apply(struct(evidenceColumns)))
          .select(outputColumns()).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        // The summary in one job: proxies by exclusion, by evidence today and by score bucket.
        Map<String, Long> excluded = new TreeMap<>();
        Map<String, Long> histogram = new TreeMap<>();
        for (int b = 0; b < 10; b++) {
          histogram.put(bucketLabel(b), 0L);
        }
        long scoredToday = 0;
        Column bucket = functions.least(functions.floor(col("score").divide(10)), lit(9L));
        for (Row r : scored.groupBy(col("excluded_reason"), col("attempts").gt(0), bucket)
            .count().collectAsList()) {
          excluded.merge(r.isNullAt(0) ? "none" : r.getString(0), r.getLong(3), Long::sum);
          scoredToday += r.getBoolean(1) ? r.getLong(3) : 0;
          if (!r.isNullAt(2)) {
            histogram.merge(bucketLabel((int) r.getLong(2)), r.getLong(3), Long::sum);
          }
        }
        long total = excluded.values().stream().mapToLong(Long::longValue).sum();
        out.write(Tables.SCORES, scored, StageOutput.Layout.sized(total,
            config.get(Keys.OUTPUT_ROWS_PER_FILE), "ip", "port"));
        io.ippipe.jobs.run.Faults.hit("score.before-reconcile", out.partition(Tables.SCORES));
        long written = io.ippipe.jobs.io.Footers.rows(lake.conf(), out.partition(Tables.SCORES));
        if (written != total) {
          throw new IllegalStateException("Cannot reconcile score: computed " + total
              + " rows, wrote " + written);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", date.toString());
        doc.put("proxies", total);
        doc.put("with_requests_today", scoredToday);
        doc.put("previous_partition", previous.map(LocalDate::toString).orElse(null));
        doc.put("excluded", excluded);
        doc.put("score_histogram", histogram);
        doc.put("blocklists", Map.of("names", blocklists.names(), "ranges", blocklists.rangeCounts()));
        doc.put("params", params);
        out.writeMetrics(JSON.writeValueAsString(doc));
        Result result = new Result(date, total, scoredToday, excluded,
            previous.map(LocalDate::toString).orElse(null), histogram, doc);
        LOG.info("score {}: {} proxies, {} with requests, excluded {}", date, total, scoredToday,
            excluded);
        return result;
      } finally {
        scored.unpersist();
      }
    } finally {
      lists.destroy();
    }
  }

  /**
   * One row per endpoint known today: every inventory entry with the request evidence for its
   * (ip, port), plus the endpoints that only the logs name. Squid native logs carry no proxy
   * port: their evidence goes to every listed endpoint of that address.
   */
  static Dataset<Row> todaysEndpoints(Dataset<Row> inventory, Dataset<Row> evidence) {
    Dataset<Row> inv = inventory.select(col("ip"), col("port"), col("protocol"), col("ip_bytes"),
        col("proxy_type"), col("supplier"), col("claimed_country"), col("country_code"),
        col("region"), col("city"), col("asn"), col("as_org"), col("network_type"));
    if (evidence == null) {
      Map<String, Column> none = new LinkedHashMap<>();
      none.put("in_inventory", lit(true));
      for (String c : COUNTS) {
        none.put(c, lit(0L));
      }
      for (String c : LATENCY_QUANTILES) {
        none.put(c, lit(null).cast(DataTypes.DoubleType));
      }
      none.put("distinct_targets", lit(0L));
      none.put("first_seen", lit(null).cast(DataTypes.TimestampType));
      none.put("last_seen", lit(null).cast(DataTypes.TimestampType));
      return inv.withColumns(none);
    }
    Dataset<Row> byPort = Frames.prefixed(evidence.filter(col("proxy_port").isNotNull()), "p_");
    Dataset<Row> byIp = Frames.prefixed(evidence.filter(col("proxy_port").isNull()), "q_");
    Dataset<Row> listed = inv
        .join(byPort, col("ip").equalTo(col("p_proxy_ip")).and(col("port").equalTo(col("p_proxy_port"))), "left")
        .join(byIp, col("ip").equalTo(col("q_proxy_ip")), "left");
    List<Column> listedColumns = new ArrayList<>();
    for (String c : inv.columns()) {
      listedColumns.add(col(c));
    }
    listedColumns.add(lit(true).as("in_inventory"));
    for (String c : COUNTS) {
      listedColumns.add(coalesce(col("p_" + c), lit(0L)).plus(coalesce(col("q_" + c), lit(0L))).as(c));
    }
    // Percentiles do not add up: an endpoint with both kinds of evidence keeps the per-port ones.
    for (String c : LATENCY_QUANTILES) {
      listedColumns.add(coalesce(col("p_" + c), col("q_" + c)).as(c));
    }
    listedColumns.add(greatest(coalesce(col("p_distinct_targets"), lit(0L)),
        coalesce(col("q_distinct_targets"), lit(0L))).as("distinct_targets"));
    listedColumns.add(least(col("p_first_seen"), col("q_first_seen")).as("first_seen"));
    listedColumns.add(greatest(col("p_last_seen"), col("q_last_seen")).as("last_seen"));
    Dataset<Row> listedRows = listed.select(listedColumns.toArray(new Column[0]));

    Dataset<Row> logOnly = evidence.join(inv,
        evidence.col("proxy_ip").equalTo(inv.col("ip")).and(evidence.col("proxy_port").isNull()
            .or(evidence.col("proxy_port").equalTo(inv.col("port")))), "left_anti")
        .select(col("proxy_ip").as("ip"), col("proxy_port").as("port"),
            lit(null).cast(DataTypes.StringType).as("protocol"),
            // From the text, for the few endpoints only the logs name: carrying the bytes
            // through the aggregate of every request cost more than the rest of it.
            functions.udf((UDF1<String, byte[]>) ip -> IpAddress.parse(ip).toBytes(),
                DataTypes.BinaryType).apply(col("proxy_ip")).as("ip_bytes"),
            lit(null).cast(DataTypes.StringType).as("proxy_type"),
            lit(null).cast(DataTypes.StringType).as("supplier"),
            lit(null).cast(DataTypes.StringType).as("claimed_country"),
            // Geo per proxy is the inventory's; an endpoint only the logs name has none today
            // (it is excluded from the pool, and carries its geo from earlier scores, if any).
            lit(null).cast(DataTypes.StringType).as("country_code"),
            lit(null).cast(DataTypes.StringType).as("region"),
            lit(null).cast(DataTypes.StringType).as("city"),
            lit(null).cast(DataTypes.LongType).as("asn"),
            lit(null).cast(DataTypes.StringType).as("as_org"),
            lit(null).cast(DataTypes.StringType).as("network_type"), lit(false).as("in_inventory"),
            col("attempts"), col("successes"), col("connect_failures"), col("bans"),
            col("upstream_errors"), col("bytes"), col("exit_observed"), col("exit_mismatches"),
            col("latency_p50_ms"), col("latency_p90_ms"),
            col("latency_p99_ms"), col("distinct_targets"), col("first_seen"), col("last_seen"));
    return listedRows.unionByName(logOnly);
  }

  /**
   * The day's active checks per endpoint (final attempts of probes/dt=D/): checks, passed, and
   * the median time of the passing ones. Endpoints not checked get 0, 0, null.
   */
  static Dataset<Row> withProbes(Dataset<Row> endpoints, Dataset<Row> probes) {
    if (probes == null) {
      return endpoints.withColumns(probeColumns(lit(0L), lit(0L),
          lit(null).cast(DataTypes.DoubleType)));
    }
    Column ok = col("outcome").equalTo(io.ippipe.common.probe.ProbeOutcome.OK.text());
    Dataset<Row> perEndpoint = probes.filter(col("final_attempt"))
        .groupBy(col("ip").as("k_ip"), col("port").as("k_port"), col("protocol").as("k_protocol"))
        .agg(count(lit(1)).as("k_checks"), sum(when(ok, 1L).otherwise(0L)).as("k_passed"),
            percentile_approx(when(ok, col("total_ms")), lit(0.5), lit(10000)).as("k_median"));
    return endpoints.join(perEndpoint, col("ip").equalTo(col("k_ip"))
            .and(col("port").equalTo(col("k_port"))).and(col("protocol").equalTo(col("k_protocol"))),
            "left")
        .withColumns(probeColumns(coalesce(col("k_checks"), lit(0L)),
            coalesce(col("k_passed"), lit(0L)), col("k_median")))
        .drop("k_ip", "k_port", "k_protocol", "k_checks", "k_passed", "k_median");
  }

  private static Map<String, Column> probeColumns(Column checks, Column passed, Column medianMs) {
    Map<String, Column> m = new LinkedHashMap<>();
    m.put("probe_checks", checks);
    m.put("probe_passed", passed);
    m.put("probe_median_ms", medianMs);
    return m;
  }

  /**
   * Joins today's endpoints with the previous partition: endpoints known only from the past are
   * carried (no new evidence) until they retire; attributes prefer today's values.
   */
  static Dataset<Row> carry(Dataset<Row> today, Dataset<Row> prev, LocalDate prevDate) {
    Dataset<Row> p = prev.select(col("ip").as("v_ip"), col("port").as("v_port"),
        col("protocol").as("v_protocol"), col("health").as("previous_health"),
        col("evidence").as("previous_evidence"),
        col("evidence_successes").as("previous_successes"), col("last_seen").as("v_last_seen"),
        col("last_listed").as("v_last_listed"), col("ip_bytes").as("v_ip_bytes"),
        col("proxy_type").as("v_proxy_type"), col("supplier").as("v_supplier"),
        col("claimed_country").as("v_claimed_country"), col("country_code").as("v_country_code"),
        col("region").as("v_region"), col("city").as("v_city"), col("asn").as("v_asn"),
        col("as_org").as("v_as_org"), col("network_type").as("v_network_type"));
    Dataset<Row> j = today.join(p, col("ip").eqNullSafe(col("v_ip"))
        .and(col("port").eqNullSafe(col("v_port")))
        .and(col("protocol").eqNullSafe(col("v_protocol"))), "full_outer");
    Column inToday = col("in_inventory").isNotNull();
    Map<String, Column> merged = new LinkedHashMap<>();
    merged.put("ip", coalesce(col("ip"), col("v_ip")));
    merged.put("port", when(inToday, col("port")).otherwise(col("v_port")));
    merged.put("protocol", when(inToday, col("protocol")).otherwise(col("v_protocol")));
    for (String a : ATTRIBUTES) {
      merged.put(a, when(inToday, coalesce(col(a), col("v_" + a))).otherwise(col("v_" + a)));
    }
    merged.put("last_seen", greatest(col("last_seen"), col("v_last_seen")));
    for (String c : COUNTS) {
      merged.put(c, coalesce(col(c), lit(0L)));
    }
    merged.put("distinct_targets", coalesce(col("distinct_targets"), lit(0L)));
    merged.put("in_inventory", coalesce(col("in_inventory"), lit(false)));
    merged.put("previous_dt",
        when(col("v_ip").isNotNull(), lit(java.sql.Date.valueOf(prevDate))));
    // One projection: each withColumn would analyse the whole (joined) plan again.
    j = j.withColumns(merged);
    return j.select(Arrays.stream(j.columns())
        .filter(c -> !c.startsWith("v_") || c.equals("v_last_listed"))
        .map(c -> c.equals("v_last_listed") ? col(c).as("previous_last_listed") : col(c))
        .toArray(Column[]::new));
  }

  private static Column[] outputColumns() {
    Column[] evidence = {col("ip"), col("port"), col("protocol"), col("ip_bytes"),
        col("proxy_type"), col("supplier"), col("claimed_country"), col("country_code"),
        col("region"), col("city"), col("asn"), col("as_org"), col("network_type"),
        col("in_inventory"), col("blocklist"), col("globally_reachable"),
        col("attempts"), col("successes"), col("connect_failures"), col("bans"),
        col("upstream_errors"), when(col("attempts").gt(0),
            col("successes").divide(col("attempts"))).as("success_rate"),
        col("bytes"), col("distinct_targets"), col("exit_observed"),
        col("exit_mismatches"), when(col("exit_observed").gt(0),
            col("exit_mismatches").divide(col("exit_observed"))).as("exit_mismatch_rate"),
        col("latency_p50_ms"),
        col("latency_p90_ms"), col("latency_p99_ms"), col("first_seen"), col("last_seen"),
        col("last_listed"), col("days_since_last_seen"), col("days_since_listed"),
        col("previous_dt"), col("previous_health"), col("previous_evidence"),
        col("previous_successes"), col("probe_checks"), col("probe_passed"),
        col("probe_median_ms")};
    return Stream.concat(Arrays.stream(evidence),
        Arrays.stream(ScoreUdf.RESULT.fieldNames()).map(f -> col("__score." + f).as(f)))
        .toArray(Column[]::new);
  }

  /** 00-09, 10-19, ..., 90-100. */
  private static String bucketLabel(int b) {
    return String.format("%02d-%s", b * 10, b == 9 ? "100" : String.format("%02d", b * 10 + 9));
  }
}
