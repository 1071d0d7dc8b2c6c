package io.ippipe.jobs.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.publish.PoolEntry;
import io.ippipe.common.publish.PoolPolicy;
import io.ippipe.jobs.io.Footers;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.lake.Tables;
import java.util.Arrays;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * publish: selects the next live pool from {@code scores/dt=D/} (threshold, per-group caps),
 * writes {@code pool/dt=D/} and its diff against the previous pool in {@code pool_changes/dt=D/},
 * then makes it live in the {@link PoolStore} in one atomic step.
 */
public final class PublishJob {
  private static final Logger LOG = LoggerFactory.getLogger(PublishJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Attributes a gateway gets with each proxy (the store's hash / the snapshot lines). */
  static final List<String> GATEWAY_ATTRIBUTES = List.of("protocol", "ip", "port", "country_code",
      "region", "city", "asn", "as_org", "network_type", "proxy_type", "supplier");


  public record Result(LocalDate date, String version, boolean changed, long poolSize,
      Map<String, Long> groups, Map<String, Long> changes, String store, List<String> top,
      Map<String, Object> metrics) {
    public String summary() {
      return String.format("%,d proxies in %d groups, version %s %s %s", poolSize, groups.size(),
          version, changed ? "now live in" : "already live in", store);
    }
  }

  private PublishJob() {}

  public static Result run(SparkSession spark, PipelineConfig config, PoolStore store,
      LocalDate date, Lake lake, StageOutput out) throws Exception {
    if (!lake.exists(Tables.SCORES, date)) {
      throw new ConfigException("Cannot publish " + date + ": no scores at "
          + lake.partition(Tables.SCORES, date) + "; run score first");
    }
    spark.sparkContext().setJobGroup("publish", "ippipe publish " + date, false);
    double minScore = config.get(Keys.PUBLISH_MIN_SCORE);
    int cap = config.get(Keys.PUBLISH_MAX_PER_GROUP);

    // The scored set, read twice (for the pool and for its changes), each time only the columns
    // that use needs: caching it would build compressed column batches of all its columns, which
    // cost more than both reads together.
    Dataset<Row> scores = lake.read(spark, Tables.SCORES, date)
        .withColumn("member", functions.udf((UDF3<String, String, Integer, String>)
            (protocol, ip, port) -> protocol == null || port == null ? null
                : PoolPolicy.member(protocol, ip, port), DataTypes.StringType)
            .apply(col("protocol"), col("ip"), col("port")))
        .withColumn("group", functions.udf((UDF3<String, String, String, String>)
            (country, protocol, type) -> protocol == null ? null
                : PoolPolicy.group(country, protocol, type), DataTypes.StringType)
            .apply(col("country_code"), col("protocol"), col("proxy_type")));
    return publish(spark, config, store, date, lake, out, scores, minScore, cap);
  }

  private static Result publish(SparkSession spark, PipelineConfig config, PoolStore store,
      LocalDate date, Lake lake, StageOutput out, Dataset<Row> scores, double minScore, int cap)
      throws Exception {
    // Best score first; ties broken by address so that reruns pick the same proxies.
    WindowSpec byGroup = Window.partitionBy("group").orderBy(col("score").desc(), col("ip"), col("port"));
    Dataset<Row> pool = scores
        .filter(col("excluded_reason").isNull().and(col("member").isNotNull())
            .and(col("score").geq(minScore)))
        .withColumn("rank", row_number().over(byGroup))
        .filter(col("rank").leq(cap))
        .select(Arrays.stream(Tables.POOL.columnNames()).map(c -> col("`" + c + "`"))
            .toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Members per group and, in the same job, the content digest that names the version.
      Map<String, Long> groups = new TreeMap<>();
      long digest = 0;
      for (Row r : pool.groupBy("group").agg(functions.count(lit(1)), functions.bit_xor(
          functions.xxhash64(col("member"), col("group"), col("score")))).collectAsList()) {
        groups.put(r.getString(0), r.getLong(1));
        digest ^= r.getLong(2);
      }
      String version = date + "-" + String.format("%016x", digest);
      long poolSize = groups.values().stream().mapToLong(Long::longValue).sum();
      out.write(Tables.POOL, pool, StageOutput.Layout.sized(poolSize,
          config.get(Keys.OUTPUT_ROWS_PER_FILE), "group", "rank"));
      io.ippipe.jobs.run.Faults.hit("publish.before-reconcile", out.partition(Tables.POOL));
      long writtenPool = Footers.rows(lake.conf(), out.partition(Tables.POOL));
      if (writtenPool != poolSize) {
        throw new IllegalStateException("Cannot reconcile publish: selected " + poolSize
            + " proxies, wrote " + writtenPool);
      }
      Optional<LocalDate> previous = lake.latestBefore(Tables.POOL, date,
          config.get(Keys.SCORE_LOOKBACK_DAYS));
      Dataset<Row> changes = changes(pool, previous.map(d -> lake.read(spark, Tables.POOL, d))
          .orElse(null), scores, minScore).persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> changeCounts = new TreeMap<>();
      try {
        for (Row r : changes.groupBy("change").count().collectAsList()) {
          changeCounts.put(r.getString(0), r.getLong(1));
        }
        out.write(Tables.POOL_CHANGES, changes, StageOutput.Layout.sized(
            changeCounts.values().stream().mapToLong(Long::longValue).sum(),
            config.get(Keys.OUTPUT_ROWS_PER_FILE), "change", "member"));
      } finally {
        changes.unpersist();
      }
      return live(config, store, date, lake, out, pool, version, poolSize, groups, changeCounts,
          previous, minScore, cap);
    } finally {
      pool.unpersist();
    }
  }

  /**
   * Streams the pool into the store under a version that names its content (a rerun that
   * selects the same pool republishes nothing), noting the best of each country on the way.
   */
  private static Result live(PipelineConfig config, PoolStore store, LocalDate date, Lake lake,
      StageOutput out, Dataset<Row> written, String version, long poolSize,
      Map<String, Long> groups, Map<String, Long> changeCounts, Optional<LocalDate> previous,
      double minScore, int cap) throws Exception {
    // The pool is partitioned by group and its window ranked each group: sorted within each
    // partition it streams group by group, best first, without a global sort and its jobs.
    Iterator<Row> rows = written.sortWithinPartitions("group", "rank").toLocalIterator();
    TopPerCountry best = new TopPerCountry(3);
    boolean changed = store.publish(version, date.toString(), new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public PoolEntry next() {
        Row r = rows.next();
        best.offer(r);
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (String a : GATEWAY_ATTRIBUTES) {
          Object v = r.getAs(a);
          if (v != null) {
            attrs.put(a, v);
          }
        }
        return new PoolEntry(r.getAs("member"), r.getAs("group"), r.<Double>getAs("score"), attrs);
      }
    });

    List<String> top = best.lines();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", date.toString());
    doc.put("version", version);
    doc.put("published", changed);
    doc.put("store", store.describe());
    doc.put("pool_size", poolSize);
    doc.put("min_score", minScore);
    doc.put("max_per_group", cap);
    doc.put("groups", groups);
    doc.put("previous_pool", previous.map(LocalDate::toString).orElse(null));
    doc.put("changes", changeCounts);
    doc.put("top", top);
    out.writeMetrics(JSON.writeValueAsString(doc));
    LOG.info("publish {}: version {} ({}), {} proxies in {} groups, changes {}", date,
        version, changed ? "now live" : "already live", poolSize, groups.size(), changeCounts);
    return new Result(date, version, changed, poolSize, groups, changeCounts, store.describe(),
        top, doc);
  }

  /**
   * The best proxies of each country (score, then address), for the console and the report:
   * kept on the driver from the rows streamed to the store, a few per country.
   */
  static final class TopPerCountry {
    private static final Comparator<Row> BEST = Comparator
        .comparing((Row r) -> r.<Double>getAs("score"), Comparator.reverseOrder())
        .thenComparing(r -> r.<String>getAs("ip")).thenComparing(r -> r.<Integer>getAs("port"))
        .thenComparing(r -> r.<String>getAs("member"));
    private final int each;
    private final Map<String, List<Row>> byCountry = new TreeMap<>();

    TopPerCountry(int each) {
      this.each = each;
    }

    void offer(Row r) {
      String country = r.getAs("country_code") == null ? "??" : r.getAs("country_code");
      List<Row> best = byCountry.computeIfAbsent(country, c -> new ArrayList<>(each + 1));
      best.add(r);
      best.sort(BEST);
      if (best.size() > each) {
        best.remove(each);
      }
    }

    List<String> lines() {
      List<String> top = new ArrayList<>();
      byCountry.forEach((country, rows) -> rows.forEach(r -> top.add(String.format(
          "%-2s %5.1f %s (%s, %s)", country, r.<Double>getAs("score"), r.getAs("member"),
          r.getAs("proxy_type") == null ? "unknown" : r.getAs("proxy_type"),
          r.getAs("city") == null ? "-" : r.getAs("city")))));
      return top;
    }
  }

  /**
   * added, removed and kept proxies against the previous pool, each with a reason from today's
   * scores: for a removal the exclusion, the threshold, the group cap or absence from the scores.
   */
  static Dataset<Row> changes(Dataset<Row> pool, Dataset<Row> previousPool, Dataset<Row> scores,
      double minScore) {
    Dataset<Row> now = pool.select(col("member"), col("group").as("new_group"), col("score").as("new_score"));
    Dataset<Row> before = previousPool == null
        ? now.sparkSession().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
            .add("member", DataTypes.StringType).add("old_group", DataTypes.StringType)
            .add("old_score", DataTypes.DoubleType))
        : previousPool.select(col("member"), col("group").as("old_group"), col("score").as("old_score"));
    Dataset<Row> today = scores.filter(col("member").isNotNull())
        .select(col("member"), col("score").as("today_score"), col("excluded_reason"));
    Dataset<Row> j = now.join(before, "member", "full_outer").join(today, "member", "left");
    Column change = when(col("old_group").isNull(), lit("added"))
        .when(col("new_group").isNull(), lit("removed")).otherwise(lit("kept"));
    Column removedWhy = when(col("today_score").isNull(), lit(PoolPolicy.NOT_SCORED))
        .when(col("excluded_reason").isNotNull(), col("excluded_reason"))
        .when(col("today_score").lt(minScore), lit(PoolPolicy.BELOW_MIN_SCORE))
        .otherwise(lit(PoolPolicy.GROUP_CAP));
    return j.select(col("member"), change.as("change"),
        when(col("new_group").isNull(), removedWhy).otherwise(lit(PoolPolicy.ELIGIBLE)).as("reason"),
        col("old_group"), col("new_group"), col("old_score"),
        coalesce(col("new_score"), col("today_score")).as("new_score"));
  }
}
