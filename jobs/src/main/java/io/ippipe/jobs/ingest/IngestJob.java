package io.ippipe.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.QualityGateException;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.jobs.encrypt.EncryptionManifest;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.geotag.GeoBroadcast;
import io.ippipe.jobs.geotag.GeoColumns;
import io.ippipe.jobs.geotag.GeoFields;
import io.ippipe.jobs.io.Footers;
import io.ippipe.jobs.io.Frames;
import io.ippipe.jobs.io.HadoopConf;
import io.ippipe.jobs.io.LineNumbers;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.lake.StageOutput.Layout;
import io.ippipe.jobs.lake.Tables;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingest: one pass over the day. Every input record is parsed once and, in the same task,
 * validated, classified, geo-tagged and (the customer's address) pseudonymised, then written
 * once: the {@code requests} table, the {@code inventory} table (valid records, duplicates
 * merged, with geo) and {@code rejects} with a reason for every record that is neither. It proves
 * read = valid + rejected for every input file against what it wrote: counts gathered in the
 * pass, checked against the Parquet footers of the written files and the written rejects.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  /** What to ingest: a date and the input paths of each feed (either may be empty). */
  public record Options(LocalDate date, List<String> inventory, List<String> requests) {
    public Options {
      if (inventory.isEmpty() && requests.isEmpty()) {
        throw new ConfigException("Cannot ingest: give --inventory and/or --requests input paths");
      }
    }
  }

  /**
   * Everything checked before any data is read: the input plans, the geo index (null when
   * geo.sources and geo.index are both empty) and the key for the customer's address.
   */
  public record Prepared(InputPlan inventory, InputPlan requests, GeoCatalog geo, KeyRing keys,
      String keyId, Scheme scheme) {}

  /** Per input file, as written to ingest.json. */
  /** {@code rowsUnread}: a corrupt Parquet file's rows that one TRUNCATED_INPUT reject stands for. */
  public record FileMetrics(String file, String format, long linesRead, long recordsRead,
      long valid, long rejected, Map<String, Long> rejectedByReason, long duplicates,
      long rowsUnread) {}

  public record FeedMetrics(String dataset, List<FileMetrics> files, long recordsRead,
      long valid, long rejected, long structuralRejects, long duplicates, long rowsWritten,
      double rejectRate, Map<String, Map<String, Long>> geoStatus) {}

  public record Result(LocalDate date, Map<String, FeedMetrics> feeds, String keyId,
      String scheme, double maxRejectRate, boolean gateBreached, Map<String, Object> metrics) {
    public String summary() {
      StringBuilder b = new StringBuilder();
      feeds.values().forEach(m -> b.append(String.format("%s %,d read, %,d valid, %,d rejected; ",
          m.dataset(), m.recordsRead(), m.valid(), m.rejected())));
      return b.append("client_ip ").append(scheme).append(" under key id ").append(keyId)
          .toString();
    }
  }

  /** Spark's thread-local setting naming the fair-scheduler pool of a thread's jobs. */
  private static final String POOL = "spark.scheduler.pool";

  private IngestJob() {}

  /**
   * Runs {@code step} on a new daemon thread (it never holds the JVM), which Spark starts in the
   * caller's job group and scheduler pool. A thread that cannot start (the JVM out of native
   * threads) fails the step's future rather than the call, so that {@link #awaitAll} still waits
   * for the steps started before it.
   */
  private static <T> CompletableFuture<T> beside(String name,
      java.util.concurrent.Callable<T> step) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(step.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "ippipe-ingest-" + name);
    t.setDaemon(true);
    try {
      t.start();
    } catch (OutOfMemoryError e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * Waits for every step, so that none still writes when the stage fails, then throws the first
   * failure in the order given.
   */
  private static void awaitAll(CompletableFuture<?>... steps) throws Exception {
    CompletableFuture.allOf(steps).exceptionally(e -> null).join();
    for (CompletableFuture<?> step : steps) {
      try {
        step.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof Exception x ? x : e;
      }
    }
  }

  private static boolean isCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("cancelled")) {
        return true;
      }
    }
    return false;
  }

  /** Config, inputs, geo and keys: every problem is a ConfigException (exit 2), no data read. */
  public static Prepared prepare(Configuration hadoop, PipelineConfig config, Options o) {
    InputPlan inventory = o.inventory().isEmpty() ? null
        : InputPlan.of(hadoop, config, Feed.INVENTORY, o.inventory());
    InputPlan requests = o.requests().isEmpty() ? null
        : InputPlan.of(hadoop, config, Feed.REQUESTS, o.requests());
    GeoCatalog geo = geoCatalog(config);
    KeyRing keys = null;
    String keyId = config.get(Keys.ENCRYPT_KEY_ID);
    Scheme scheme = config.get(Keys.ENCRYPT_SCHEME);
    if (requests != null) {
      // The customer's address never rests in the lake in plaintext: no key, no ingest.
      keys = KeyLoader.load(hadoop, config);
      if (keyId.isEmpty()) {
        throw new ConfigException("encrypt.key_id is not set: ingest pseudonymises "
            + "requests.client_ip and needs the key id to use, one of " + keys.ids());
      }
      keys.cipher(keyId, scheme, io.ippipe.common.crypto.IpCiphers.Options.defaults());
    }
    return new Prepared(inventory, requests, geo, keys, keyId, scheme);
  }

  /** The compiled index, or the sources compiled; null when both are unset (geo off). */
  public static GeoCatalog geoCatalog(PipelineConfig config) {
    String compiled = config.get(Keys.GEO_INDEX);
    if (!compiled.isEmpty()) {
      return GeoCatalog.read(new java.io.File(compiled));
    }
    if (config.get(Keys.GEO_SOURCES).isEmpty()) {
      LOG.warn("geo is off: geo.sources and geo.index are empty, so every geo column is null");
      return null;
    }
    return GeoCatalog.load(config.get(Keys.GEO_SOURCES), config.get(Keys.GEO_MAX_AGE_DAYS),
        java.time.Instant.now());
  }

  public static Result run(SparkSession spark, PipelineConfig config, Prepared p, Options o,
      StageOutput out) throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    GeoBroadcast geo = p.geo() == null ? null : GeoBroadcast.of(jsc, p.geo());
    Map<String, FeedMetrics> feeds = new LinkedHashMap<>();
    try {
      // The two feeds are independent: the inventory's small jobs run beside the requests pass
      // (the cores it leaves idle while the driver plans, the pass's last tasks), instead of
      // before it. Each thread names its own job group.
      // Each feed in a fair-scheduler pool of its own: within one pool jobs run FIFO, and the
      // inventory's would wait for every pending task of the pass.
      String callersPool = spark.sparkContext().getLocalProperty(POOL);
      CompletableFuture<FeedMetrics> inventory = p.inventory() == null ? null
          : beside("inventory", () -> {
            spark.sparkContext().setJobGroup("ingest-inventory",
                "ippipe ingest inventory " + o.date(), false);
            spark.sparkContext().setLocalProperty(POOL, "ingest-inventory");
            return inventory(spark, config, p.inventory(), geo, out);
          });
      if (inventory != null) {
        // A failed inventory stops the requests pass too: the stage has failed.
        inventory.whenComplete((m, e) -> {
          if (e != null) {
            spark.sparkContext().cancelJobGroup("ingest-requests");
          }
        });
      }
      FeedMetrics requests = null;
      Exception requestsFailure = null;
      try {
        // An inventory that failed already (its thread could not start, or its input failed
        // at once) has cancelled no requests job yet: Spark cancels only running ones.
        if (p.requests() != null && (inventory == null || !inventory.isCompletedExceptionally())) {
          spark.sparkContext().setJobGroup("ingest-requests", "ippipe ingest requests " + o.date(),
              false);
          spark.sparkContext().setLocalProperty(POOL, "ingest-requests");
          requests = requests(spark, config, p, geo, out);
        }
      } catch (Exception e) {
        requestsFailure = e;
        if (inventory != null) {
          spark.sparkContext().cancelJobGroup("ingest-inventory");
        }
      } finally {
        spark.sparkContext().setLocalProperty(POOL, callersPool);
      }
      if (inventory != null) {
        try {
          feeds.put(Feed.INVENTORY.text(), inventory.join());
        } catch (CompletionException e) {
          // The failure to report is the first: the other feed says only that it was cancelled.
          if (requestsFailure != null && !isCancellation(requestsFailure)) {
            throw requestsFailure;
          }
          throw e.getCause() instanceof Exception x ? x : e;
        }
      }
      if (requestsFailure != null) {
        throw requestsFailure;
      }
      if (requests != null) {
        feeds.put(Feed.REQUESTS.text(), requests);
        new EncryptionManifest(EncryptionManifest.FORMAT, Tables.REQUESTS.name(),
            o.date().toString(), "replace", p.keys().derivation().name().toLowerCase(),
            List.of(new EncryptionManifest.Column("client_ip", "client_ip", p.scheme().id(),
                p.scheme().outputIsAddress() ? "ip" : "hex")),
            Map.of(p.keyId(), Map.of(p.scheme().id(), p.keys().checkValue(p.keyId(), p.scheme()))),
            requests.rowsWritten())
            .write(out.lake().conf(), out.partition(Tables.REQUESTS));
      }
    } finally {
      if (geo != null) {
        geo.destroy();
      }
    }
    double maxRate = config.get(Keys.VALIDATE_MAX_REJECT_RATE);
    boolean breached = feeds.values().stream().anyMatch(m -> m.rejectRate() > maxRate);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", o.date().toString());
    doc.put("max_reject_rate", maxRate);
    doc.put("gate_breached", breached);
    doc.put("datasets", feeds);
    doc.put("encryption", Map.of("column", "requests.client_ip", "scheme", p.scheme().id(),
        "key_id", p.keyId()));
    if (p.geo() != null) {
      doc.put("geo_sources", p.geo().sources());
    }
    out.writeMetrics(Metrics.json(doc));
    Result result = new Result(o.date(), feeds, p.keyId(), p.scheme().id(), maxRate, breached, doc);
    for (FeedMetrics m : feeds.values()) {
      LOG.info("ingest {} {}: read {}, valid {} ({} duplicates), rejected {} ({} structural), "
              + "reject rate {}", o.date(), m.dataset(), m.recordsRead(), m.valid(),
          m.duplicates(), m.rejected(), m.structuralRejects(), String.format("%.4f", m.rejectRate()));
    }
    if (breached) {
      throw new QualityGateException(String.format(
          "Data-quality gate breached: a reject rate is above validate.max_reject_rate (%s); "
              + "outputs and %s were written", maxRate, out.lake().metricsFile(o.date(), "ingest")));
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------
  // requests: one pass, valid rows straight into the table, rejects into task side files

  private static FeedMetrics requests(SparkSession spark, PipelineConfig config, Prepared p,
      GeoBroadcast geo, StageOutput out) throws Exception {
    InputPlan plan = p.requests();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int maxLine = config.get(Keys.VALIDATE_MAX_LINE_LENGTH);
    IngestTally tally = new IngestTally();
    spark.sparkContext().register(tally, "ingest requests");
    String rejectDir = out.scratch("requests-rejects");
    String evidenceDir = out.scratch("requests-evidence");
    for (String dir : List.of(rejectDir, evidenceDir)) {
      new Path(dir).getFileSystem(hadoop).mkdirs(new Path(dir));
    }
    RequestPass pass = new RequestPass(plan.logFormats(), maxLine,
        config.get(Keys.VALIDATE_REJECT_RAW_CHARS), rejectDir, evidenceDir,
        new HadoopConf(hadoop), tally);

    List<RDD<InternalRow>> parts = new ArrayList<>();
    if (!plan.textFiles().isEmpty()) {
      parts.add(TextInput.read(jsc, plan.textFiles(), maxLine, config.get(Keys.INGEST_MAX_SPLIT_BYTES))
          .mapPartitionsWithInputSplit(pass.text(), false).rdd());
    }
    Map<String, String> refused = plan.refused(spark, new HadoopConf(hadoop));
    parquet(spark, config, plan, refused, pass::parquet).ifPresent(parts::add);
    if (parts.isEmpty()) { // only Parquet files refused: none is read
      parts.add(jsc.<InternalRow>emptyRDD().rdd());
    }
    RDD<InternalRow> rows = parts.get(0);
    for (RDD<InternalRow> more : parts.subList(1, parts.size())) {
      rows = rows.union(more);
    }
    int tasks = rows.getNumPartitions();
    Dataset<Row> parsed = Frames.fromInternalRows(spark, rows, ParsedRows.REQUEST);
    KeyRing taskKeys = p.keys().only(p.scheme(), List.of(p.keyId()));
    Dataset<Row> table = RequestColumns.project(parsed, geo,
        config.get(Keys.GEO_CLIENT_DETAIL).equals("true"), p.scheme(), taskKeys, p.keyId(),
        config.get(Keys.ENCRYPT_CACHE_ENTRIES));
    out.write(Tables.REQUESTS, table, Layout.asIs());

    io.ippipe.jobs.run.Faults.hit("ingest.requests.before-reconcile",
        out.partition(Tables.REQUESTS));
    IngestTally.Counts counts = tally.value();
    // Each task's valid rows are in its committed file: its footer says how many (and how many
    // name a proxy, for the evidence below), every footer read once.
    Footers.Summary footers = Footers.read(hadoop, out.partition(Tables.REQUESTS), "proxy_ip");
    Map<Integer, Long> written = footers.rowsPerTask();
    for (int t = 0; t < tasks; t++) {
      IngestTally.TaskCounts c = counts.tasks.get(t);
      long committed = written.getOrDefault(t, 0L);
      if (c == null || c.valid() != committed) {
        throw new IllegalStateException(String.format("Cannot reconcile ingest of requests: "
            + "task %d counted %s valid rows, its committed files hold %d", t,
            c == null ? "no" : Long.toString(c.valid()), committed));
      }
    }
    // No input split at all (empty files) still writes one empty file, as task 0.
    if (!written.keySet().stream().allMatch(t -> t < Math.max(tasks, 1))
        || tasks == 0 && written.values().stream().anyMatch(n -> n != 0)) {
      throw new IllegalStateException("Cannot reconcile ingest of requests: files of tasks "
          + written.keySet() + " for " + tasks + " tasks");
    }
    List<String> rejectFiles = new ArrayList<>();
    counts.tasks.values().stream().filter(c -> c.rejectFile() != null)
        .forEach(c -> rejectFiles.add(rejectDir + "/" + c.rejectFile()));
    // A corrupt Parquet file's unread rows: one reject of its own, after the tasks' files.
    List<ParquetInput.Unread> unread = ParquetInput.unread(spark, plan, recordsPerFile(counts),
        refused);
    for (int i = 0; i < unread.size(); i++) {
      ParquetInput.Unread u = unread.get(i);
      try (RejectFile file = new RejectFile(rejectDir, tasks + i, 0, hadoop)) {
        file.write(u.file(), -1, u.rows(), 0, RejectReason.TRUNCATED_INPUT, u.detail(), null);
        rejectFiles.add(rejectDir + "/" + file.name());
      }
      countReject(counts, u);
    }
    LineNumbers numbers = new LineNumbers(counts.splitLines);
    List<String> evidenceFiles = new ArrayList<>();
    counts.tasks.values().stream().filter(c -> c.evidenceFile() != null)
        .forEach(c -> evidenceFiles.add(evidenceDir + "/" + c.evidenceFile()));
    long withProxy = footers.nonNull().get("proxy_ip");

    // The rejects, the evidence and the geo counts read different outputs of the pass: each is
    // a chain of small jobs whose driver work would leave the cores idle, so they run side by
    // side, each on a thread of its own.
    CompletableFuture<Map<String, Long>> rejectsWritten = beside("rejects", () -> {
      Dataset<Row> rawRejects = rejectFiles.isEmpty()
          ? spark.createDataFrame(List.of(), RejectFile.SCHEMA)
          : spark.read().schema(RejectFile.SCHEMA).json(rejectFiles.toArray(new String[0]));
      return writeRejects(spark, config, Feed.REQUESTS, rawRejects, numbers,
          counts.tasks.values().stream().mapToLong(IngestTally.TaskCounts::rejects).sum()
              + unread.size(), out);
    });
    // The evidence of every written request that named a proxy, merged per endpoint: its
    // attempts must add up to those requests, which the footers count without reading them.
    CompletableFuture<Void> evidence = beside("evidence", () -> {
      long gathered = counts.tasks.values().stream()
          .mapToLong(IngestTally.TaskCounts::evidenceRequests).sum();
      EvidenceTable.write(spark, evidenceFiles, counts.tasks.values().stream()
          .mapToLong(IngestTally.TaskCounts::evidenceEndpoints).sum(),
          config.get(Keys.OUTPUT_ROWS_PER_FILE), out);
      io.ippipe.jobs.run.Faults.hit("ingest.evidence.before-reconcile",
          out.partition(Tables.EVIDENCE));
      long attempts = EvidenceTable.attempts(spark, out);
      if (gathered != withProxy || attempts != withProxy) {
        throw new IllegalStateException(String.format("Cannot reconcile ingest of requests: %d "
            + "written requests name a proxy, the pass gathered evidence of %d, the evidence "
            + "table holds %d attempts", withProxy, gathered, attempts));
      }
      return null;
    });
    CompletableFuture<Map<String, Map<String, Long>>> geoStatus = beside("geo-status",
        () -> geo == null ? Map.of() : geoStatus(out.read(spark, Tables.REQUESTS),
            Map.of("proxy_ip", "proxy_geo_status", "client_ip", "client_geo_status")));
    awaitAll(rejectsWritten, evidence, geoStatus);
    return metrics(Feed.REQUESTS, plan, counts.files, numbers, Map.of(), written.values().stream()
        .mapToLong(Long::longValue).sum(), rejectsWritten.join(), geoStatus.join());
  }

  // ---------------------------------------------------------------------------------------
  // inventory: small; parsed rows are kept to number lines and merge duplicates

  private static FeedMetrics inventory(SparkSession spark, PipelineConfig config, InputPlan plan,
      GeoBroadcast geo, StageOutput out) throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    int maxLine = config.get(Keys.VALIDATE_MAX_LINE_LENGTH);
    IngestTally tally = new IngestTally();
    spark.sparkContext().register(tally, "ingest inventory");
    InventoryPass pass = new InventoryPass(plan.inventoryFormats(), plan.csvHeaders(),
        config.get(Keys.VALIDATE_DEFAULT_PROTOCOL), maxLine, config.get(Keys.VALIDATE_REJECT_RAW_CHARS),
        tally);
    List<RDD<InternalRow>> parts = new ArrayList<>();
    if (!plan.textFiles().isEmpty()) {
      parts.add(TextInput.read(jsc, plan.textFiles(), maxLine, config.get(Keys.INGEST_MAX_SPLIT_BYTES))
          .mapPartitionsWithInputSplit(pass.text(), false).rdd());
    }
    Map<String, String> refused = plan.refused(spark, new HadoopConf(hadoop));
    parquet(spark, config, plan, refused, pass::parquet).ifPresent(parts::add);
    if (parts.isEmpty()) { // only Parquet files refused: none is read
      parts.add(jsc.<InternalRow>emptyRDD().rdd());
    }
    RDD<InternalRow> rows = parts.get(0);
    for (RDD<InternalRow> more : parts.subList(1, parts.size())) {
      rows = rows.union(more);
    }
    Dataset<Row> parsed = Frames.fromInternalRows(spark, rows, ParsedRows.INVENTORY)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // One job parses every line into the cache and counts it, in its result stage (whose
      // tasks' updates Spark applies once each). The counts are copied at once: recomputing a
      // lost cached partition in a later job would count its lines again.
      parsed.queryExecution().toRdd().toJavaRDD()
          .foreachPartition(it -> it.forEachRemaining(r -> { }));
      IngestTally.Counts counts = tally.value().copy();
      List<Row> unreadRows = new ArrayList<>();
      for (ParquetInput.Unread u : ParquetInput.unread(spark, plan, recordsPerFile(counts),
          refused)) {
        // The reject the pass would write, its line the row after the file's last.
        InternalRow reject = ParsedRows.inventoryReject(
            org.apache.spark.unsafe.types.UTF8String.fromString(u.file()), -1L, u.rows(),
            RejectReason.TRUNCATED_INPUT, u.detail(), null);
        unreadRows.add((Row) org.apache.spark.sql.catalyst.CatalystTypeConverters.convertToScala(
            reject, ParsedRows.INVENTORY));
        countReject(counts, u);
      }
      LineNumbers numbers = new LineNumbers(counts.splitLines);
      Map<String, IngestTally.FileCounts> files = counts.files;
      Dataset<Row> numbered = numbered(spark, parsed, numbers);

      // Valid records, duplicates on (ip, port, protocol) merged into the first listing.
      WindowSpec sameProxy = Window.partitionBy("ip_bytes", "port", "protocol");
      Dataset<Row> valid = numbered.filter(col("reason").isNull())
          .withColumn("occurrence", row_number().over(sameProxy.orderBy("source_file", "source_line",
              "record_index")))
          .withColumn("listed_count", count(lit(1)).over(sameProxy).cast(DataTypes.IntegerType))
          // Every file that listed it: probe resolves credential ownership over all of them.
          .withColumn("listed_in", functions.array_sort(
              functions.collect_set("source_file").over(sameProxy))
              .cast(DataTypes.createArrayType(DataTypes.StringType)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> duplicates = new TreeMap<>();
      for (Row r : valid.filter(col("occurrence").gt(1)).groupBy("source_file").count().collectAsList()) {
        duplicates.put(r.getString(0), r.getLong(1));
      }
      long validCount = files.values().stream().mapToLong(c -> c.valid).sum();
      long distinct = validCount - duplicates.values().stream().mapToLong(Long::longValue).sum();
      Dataset<Row> first = valid.filter(col("occurrence").equalTo(1));
      List<Column> columns = new ArrayList<>();
      for (String c : first.columns()) {
        columns.add(col(c));
      }
      columns.addAll(GeoColumns.fields(geo, geo == null ? lit(null)
              : GeoColumns.recordOf(geo, col("ip_bytes")), "", Arrays.asList(GeoFields.FIELDS))
          .values());
      out.write(Tables.INVENTORY, first.select(columns.toArray(new Column[0])),
          Layout.sized(distinct, config.get(Keys.OUTPUT_ROWS_PER_FILE), "ip_bytes", "port"));
      valid.unpersist();

      long rejected = files.values().stream().mapToLong(IngestTally.FileCounts::rejectedTotal).sum();
      Map<String, Long> rejectsWritten = writeRejects(spark, config, Feed.INVENTORY,
          parsed.filter(col("reason").isNotNull())
              .union(spark.createDataFrame(unreadRows, ParsedRows.INVENTORY)),
          numbers, rejected, out);
      io.ippipe.jobs.run.Faults.hit("ingest.inventory.before-reconcile",
          out.partition(Tables.INVENTORY));
      long committed = Footers.rows(hadoop, out.partition(Tables.INVENTORY));
      if (committed != distinct) {
        throw new IllegalStateException("Cannot reconcile ingest of inventory: " + distinct
            + " distinct valid records, its committed files hold " + committed);
      }
      Map<String, Map<String, Long>> geoStatus = geo == null ? Map.of()
          : geoStatus(out.read(spark, Tables.INVENTORY), Map.of("ip", "geo_status"));
      return metrics(Feed.INVENTORY, plan, files, numbers, duplicates, committed, rejectsWritten,
          geoStatus);
    } finally {
      parsed.unpersist();
    }
  }

  /**
   * A feed's Parquet input through its pass's {@code parse}, or none: every file but the
   * refused ones, each group by its own schema, each task a split of one file cut as text is.
   */
  private static java.util.Optional<RDD<InternalRow>> parquet(SparkSession spark,
      PipelineConfig config, InputPlan plan, Map<String, String> refused,
      java.util.function.Function<String[],
          org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<InternalRow>,
              InternalRow>> parse) {
    List<List<String>> groups = plan.parquetGroups(refused.keySet());
    if (groups.isEmpty()) {
      return java.util.Optional.empty();
    }
    long split = InputPlan.splitBytes(plan.parquetBytes(refused.keySet()),
        spark.sparkContext().defaultParallelism(), config.get(Keys.INGEST_MAX_SPLIT_BYTES));
    ParquetInput.Rows input = ParquetInput.read(spark, plan.feed(), groups,
        plan.parquetFooters(), split);
    return java.util.Optional.of(input.rows().queryExecution().toRdd().toJavaRDD()
        .mapPartitions(parse.apply(input.fields())).rdd());
  }

  private static Map<String, Long> recordsPerFile(IngestTally.Counts counts) {
    Map<String, Long> out = new HashMap<>();
    counts.files.forEach((file, c) -> out.put(file, c.records));
    return out;
  }

  /** The one reject standing for a corrupt Parquet file's unread rows, in the file's counts. */
  private static void countReject(IngestTally.Counts counts, ParquetInput.Unread unread) {
    IngestTally.FileCounts c = counts.file(unread.file());
    c.records++;
    c.rejected.merge(RejectReason.TRUNCATED_INPUT.name(), 1L, Long::sum);
    c.unreadRows += unread.rows() - unread.read();
  }

  /** Rows with {@code source_line}: split rows by their split's first line, Parquet rows by index. */
  private static Dataset<Row> numbered(SparkSession spark, Dataset<Row> rows, LineNumbers numbers) {
    List<Row> firsts = new ArrayList<>();
    numbers.splitStarts().forEach(s -> firsts.add(RowFactory.create(s.file(), s.splitStart(),
        s.firstLine())));
    StructType schema = StructType.fromDDL("f_file STRING, f_split BIGINT, first_line BIGINT");
    Dataset<Row> first = broadcast(spark.createDataFrame(firsts, schema));
    return rows.join(first, col("source_file").equalTo(col("f_file"))
            .and(col("split_start").equalTo(col("f_split"))), "left")
        .withColumn("source_line", when(col("split_start").lt(0), col("index_in_split").plus(1))
            .otherwise(col("first_line").plus(col("index_in_split"))))
        .drop("f_file", "f_split", "first_line");
  }

  /**
   * Numbers and writes a feed's rejects, then reads back the written partition's file column
   * (the rejects are few) and returns the rejects it holds per input file.
   */
  private static Map<String, Long> writeRejects(SparkSession spark, PipelineConfig config,
      Feed feed, Dataset<Row> rawRejects, LineNumbers numbers, long expected, StageOutput out)
      throws IOException {
    out.write(Tables.REJECTS, numbered(spark, rawRejects, numbers),
        Layout.sized(expected, config.get(Keys.OUTPUT_ROWS_PER_FILE), "source_file", "source_line",
            "record_index"), feed.text());
    io.ippipe.jobs.run.Faults.hit("ingest." + feed.text() + ".rejects-written",
        out.partition(Tables.REJECTS, feed.text()));
    Map<String, Long> perFile = new TreeMap<>();
    for (Row r : out.read(spark, Tables.REJECTS, feed.text()).groupBy("source_file").count()
        .collectAsList()) {
      perFile.put(r.getString(0), r.getLong(1));
    }
    return perFile;
  }

  /** Rows per geo status of each address column, from one narrow read of the written table. */
  private static Map<String, Map<String, Long>> geoStatus(Dataset<Row> written,
      Map<String, String> columns) {
    List<String> statusColumns = new ArrayList<>(columns.values());
    Map<String, Map<String, Long>> status = new TreeMap<>();
    columns.keySet().forEach(c -> status.put(c, new TreeMap<>()));
    for (Row r : written.groupBy(statusColumns.stream().map(functions::col).toArray(Column[]::new))
        .count().collectAsList()) {
      for (String address : columns.keySet()) {
        int at = statusColumns.indexOf(columns.get(address));
        status.get(address).merge(r.isNullAt(at) ? "null" : r.getString(at),
            r.getLong(statusColumns.size()), Long::sum);
      }
    }
    return status;
  }

  /**
   * Per-file accounting: records read (counted as they were parsed) must equal the valid ones
   * (written, or merged as duplicates) plus the rejects found in the written rejects.
   */
  private static FeedMetrics metrics(Feed feed, InputPlan plan,
      Map<String, IngestTally.FileCounts> files, LineNumbers numbers, Map<String, Long> duplicates,
      long rowsWritten, Map<String, Long> rejectsWritten, Map<String, Map<String, Long>> geoStatus) {
    List<FileMetrics> out = new ArrayList<>();
    long read = 0;
    long valid = 0;
    long rejected = 0;
    long structural = 0;
    long unread = 0;
    for (Map.Entry<String, IngestTally.FileCounts> e : files.entrySet()) {
      String file = e.getKey();
      IngestTally.FileCounts c = e.getValue();
      long fileRejected = rejectsWritten.getOrDefault(file, 0L);
      if (c.records != c.valid + fileRejected || fileRejected != c.rejectedTotal()) {
        throw new IllegalStateException(String.format("Cannot reconcile %s input %s: read %d "
            + "records, but valid %d + rejected %d were written", feed.text(), file, c.records,
            c.valid, fileRejected));
      }
      for (Map.Entry<String, Long> r : c.rejected.entrySet()) {
        if (RejectReason.valueOf(r.getKey()).structural()) {
          structural += r.getValue();
        }
      }
      read += c.records;
      valid += c.valid;
      rejected += fileRejected;
      out.add(new FileMetrics(file, plan.formatByFile().getOrDefault(file, "PARQUET").toLowerCase(),
          numbers.linesPerFile().getOrDefault(file, c.records), c.records, c.valid,
          fileRejected, c.rejected, duplicates.getOrDefault(file, 0L), c.unreadRows));
      unread += c.unreadRows;
    }
    for (Map.Entry<String, Long> e : rejectsWritten.entrySet()) {
      if (!files.containsKey(e.getKey())) {
        throw new IllegalStateException("Cannot reconcile " + feed.text() + ": " + e.getValue()
            + " rejects written for " + e.getKey() + ", which was not read");
      }
    }
    // Files that gave no record (empty ones) are accounted for too, with zeros.
    for (String file : plan.formatByFile().keySet()) {
      if (!files.containsKey(file) && !plan.formatByFile().get(file).equals("PARQUET")) {
        out.add(new FileMetrics(file, plan.formatByFile().get(file).toLowerCase(), 0, 0, 0, 0,
            Map.of(), 0, 0));
      }
    }
    // The rows a reject stands for count as rejected: a lost row group is no 1-in-a-million.
    double rate = read + unread == 0 ? 0.0
        : (double) (rejected - structural + unread) / (read + unread);
    long dups = duplicates.values().stream().mapToLong(Long::longValue).sum();
    return new FeedMetrics(feed.text(), out, read, valid, rejected, structural, dups, rowsWritten,
        rate, geoStatus);
  }
}
