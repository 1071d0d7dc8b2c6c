package io.ippipe.jobs.geotag;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.jobs.io.OutputWriter;
import io.ippipe.jobs.io.Partitions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * geotag: adds geo fields for inventory.ip, requests.proxy_ip and (with geo.client_ip)
 * requests.client_ip, from one compiled index broadcast to the executors, into
 * {@code enriched/<dataset>/dt=D/}. The index and its sources live in common.
 */
public final class GeotagJob {
  private static final Logger LOG = LoggerFactory.getLogger(GeotagJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final String SOURCES_FILE = "_geo_sources.json";

  /**
   * @param root the lake the inputs are read from
   * @param outputRoot where this run's outputs go: the lake itself, or a staging directory that
   *     {@code ippipe run} commits into the lake afterwards
   */
  public record Options(LocalDate date, String root, String outputRoot) {
    public Options(LocalDate date, String root) {
      this(date, root, root);
    }
  }

  public record DatasetResult(String dataset, String output, long rows,
      Map<String, Map<String, Long>> geoStatus) {}

  public record Result(LocalDate date, List<DatasetResult> datasets, String metricsFile) {}

  private GeotagJob() {}

  /** Loads the compiled index, or compiles the sources; every failure is a ConfigException. */
  public static GeoCatalog catalog(PipelineConfig config) {
    String compiled = config.get(Keys.GEO_INDEX);
    if (!compiled.isEmpty()) {
      return GeoCatalog.read(new java.io.File(compiled));
    }
    return compileSources(config);
  }

  /** Reads and compiles geo.sources, checking geo.max_age_days against today. */
  public static GeoCatalog compileSources(PipelineConfig config) {
    return GeoCatalog.load(config.get(Keys.GEO_SOURCES), config.get(Keys.GEO_MAX_AGE_DAYS),
        java.time.Instant.now());
  }

  public static Result run(SparkSession spark, PipelineConfig config, GeoCatalog catalog,
      Options options) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String dt = "dt=" + options.date();
    boolean clients = config.get(Keys.GEO_CLIENT_IP).equals("true");
    Map<String, Map<String, String>> plan = new LinkedHashMap<>();
    plan.put("inventory", Map.of("ip_bytes", ""));
    Map<String, String> requestColumns = new LinkedHashMap<>();
    requestColumns.put("proxy_ip_bytes", "proxy_");
    if (clients) {
      requestColumns.put("client_ip_bytes", "client_");
    }
    plan.put("requests", requestColumns);

    Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
    for (String dataset : plan.keySet()) {
      String input = options.root() + "/validated/" + dataset + "/" + dt;
      if (Partitions.exists(hadoop, input)) {
        Dataset<Row> rows = spark.read().parquet(input);
        for (String column : plan.get(dataset).keySet()) {
          if (!Arrays.asList(rows.columns()).contains(column)) {
            throw new ConfigException("Cannot geo-tag " + input + ": no column " + column);
          }
        }
        inputs.put(dataset, rows);
      }
    }
    if (inputs.isEmpty()) {
      throw new ConfigException("Cannot geo-tag " + options.date() + ": no validated inventory or "
          + "requests under " + options.root() + "/validated; run validate first");
    }

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<GeoIndex> index = jsc.broadcast(catalog.index());
    List<DatasetResult> results = new ArrayList<>();
    try {
      for (Map.Entry<String, Dataset<Row>> e : inputs.entrySet()) {
        String dataset = e.getKey();
        spark.sparkContext().setJobGroup("geotag-" + dataset, "ippipe geotag " + dataset + " "
            + options.date(), false);
        Dataset<Row> rows = e.getValue();
        long read = rows.count();
        List<Column> out = new ArrayList<>();
        for (String c : rows.columns()) {
          out.add(col(c));
        }
        int staged = 0;
        for (Map.Entry<String, String> target : plan.get(dataset).entrySet()) {
          String tmp = "__ippipe_geo_" + staged++;
          rows = rows.withColumn(tmp, GeoColumns.recordOf(index, col(target.getKey())));
          out.addAll(Arrays.asList(GeoColumns.fields(index, col(tmp), target.getValue())));
        }
        String output = options.outputRoot() + "/enriched/" + dataset + "/" + dt;
        OutputWriter.writeAsIs(rows.select(out.toArray(new Column[0])), output);
        Dataset<Row> written = spark.read().parquet(output);
        Map<String, Map<String, Long>> status = new TreeMap<>();
        for (String prefix : plan.get(dataset).values()) {
          Map<String, Long> counts = new TreeMap<>();
          for (Row r : written.groupBy(prefix + "geo_status").count().collectAsList()) {
            counts.put(r.isNullAt(0) ? "null" : r.getString(0), r.getLong(1));
          }
          status.put(prefix.isEmpty() ? "ip" : prefix + "ip", counts);
        }
        long rowsWritten = status.values().iterator().next().values().stream().mapToLong(Long::longValue).sum();
        if (rowsWritten != read) {
          throw new IllegalStateException("Cannot reconcile geotag of " + dataset + ": read " + read
              + " rows, wrote " + rowsWritten);
        }
        OutputWriter.writeText(hadoop, output + "/" + SOURCES_FILE, JSON.writeValueAsString(catalog.sources()));
        results.add(new DatasetResult(dataset, output, rowsWritten, status));
        LOG.info("geotag {} {}: {} rows, geo_status {}", options.date(), dataset, rowsWritten, status);
      }
    } finally {
      index.destroy();
    }
    String metricsFile = options.outputRoot() + "/_metrics/" + dt + "/geotag.json";
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", options.date().toString());
    doc.put("sources", catalog.sources());
    Map<String, Object> idx = new LinkedHashMap<>();
    idx.put("ranges", catalog.index().rangeCount());
    idx.put("ipv4_ranges", catalog.index().v4RangeCount());
    idx.put("records", catalog.index().recordCount());
    idx.put("range_bytes", catalog.index().rangeBytes());
    doc.put("index", idx);
    doc.put("datasets", results);
    OutputWriter.writeText(hadoop, metricsFile, JSON.writeValueAsString(doc));
    return new Result(options.date(), results, metricsFile);
  }
}
