package io.ippipe.jobs.generate;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.synth.AddressSpace;
import io.ippipe.common.synth.Life;
import io.ippipe.common.synth.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * generate: writes a synthetic inventory and gateway logs in any input format, for one day or
 * for consecutive days of one simulation, and optionally each day's hidden truth beside them.
 * Every line is a function of (seed, day, index) (see {@link SyntheticData}), so the output does
 * not depend on the number of executors or on task retries.
 */
public final class GenerateJob {
  private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

  private GenerateJob() {}

  /**
   * @param date the first day written
   * @param start day 0 of the simulation (the proxies' life starts there); {@code date} or before
   * @param days consecutive days from {@code date}; each day goes to {@code out/dt=D/}
   *     (inventory/, requests/) unless this is a lone day 0 without truth, which goes to
   *     {@code out/} as a one-day generate always has
   * @param truth also write each day's truth to {@code out/truth/dt=D/}, apart from the inputs
   */
  public record Options(LocalDate date, long proxies, long requests, InventoryFormat inventoryFormat,
      LogFormat logFormat, String out, LocalDate start, int days, boolean truth) {
    public Options(LocalDate date, long proxies, long requests, InventoryFormat inventoryFormat,
        LogFormat logFormat, String out) {
      this(date, proxies, requests, inventoryFormat, logFormat, out, date, 1, false);
    }

    /** One day of a simulation sits beside its truth and its other days: only a lone one not. */
    boolean flat() {
      return days == 1 && start.equals(date) && !truth;
    }
  }

  /** The last day's directories and the totals over all days. */
  public record Result(String inventoryDir, long inventoryLines, String requestsDir, long requestLines,
      String truthDir) {}

  /**
   * The truth of each proxy on one day (docs/score.md, "Measuring the pool"). The pipeline never
   * reads it: it is what an evaluation compares the published pool with.
   */
  public static final StructType TRUTH = new StructType()
      .add("ip", DataTypes.StringType).add("port", DataTypes.IntegerType)
      .add("protocol", DataTypes.StringType).add("proxy_type", DataTypes.StringType)
      .add("supplier", DataTypes.StringType).add("claimed_country", DataTypes.StringType)
      .add("proxy_index", DataTypes.LongType).add("join_day", DataTypes.IntegerType)
      .add("listed", DataTypes.BooleanType).add("state", DataTypes.StringType)
      .add("base_quality", DataTypes.DoubleType).add("service", DataTypes.DoubleType)
      .add("quality", DataTypes.DoubleType).add("alive", DataTypes.BooleanType)
      .add("banned", DataTypes.BooleanType).add("ban_wave", DataTypes.BooleanType)
      .add("degraded", DataTypes.BooleanType).add("exit_changed", DataTypes.BooleanType)
      .add("exit_ip", DataTypes.StringType).add("traffic_share", DataTypes.DoubleType)
      .add("expected_requests", DataTypes.DoubleType);

  static final StructType INVENTORY_PARQUET = new StructType()
      .add("ip", DataTypes.StringType).add("port", DataTypes.IntegerType)
      .add("protocol", DataTypes.StringType).add("proxy_type", DataTypes.StringType)
      .add("supplier", DataTypes.StringType).add("country", DataTypes.StringType)
      .add("username", DataTypes.StringType).add("password", DataTypes.StringType);

  static final StructType REQUESTS_PARQUET = new StructType()
      .add("ts", DataTypes.TimestampType).add("client_ip", DataTypes.StringType)
      .add("proxy_ip", DataTypes.StringType).add("proxy_port", DataTypes.IntegerType)
      .add("result_code", DataTypes.StringType).add("status", DataTypes.IntegerType)
      .add("elapsed_ms", DataTypes.LongType).add("bytes", DataTypes.LongType)
      .add("method", DataTypes.StringType).add("target_host", DataTypes.StringType)
      .add("exit_ip", DataTypes.StringType);

  public static Result run(SparkSession spark, PipelineConfig config, Options o) {
    return run(spark, config, o, Life.DEFAULT, SyntheticData.Scenario.NONE);
  }

  /** A simulation of other rates, or with a scenario a test is built around. */
  public static Result run(SparkSession spark, PipelineConfig config, Options o, Life.Rates rates,
      SyntheticData.Scenario scenario) {
    if (o.start().isAfter(o.date()) || o.days() < 1) {
      throw new ConfigException("Invalid simulation: start " + o.start() + ", first day "
          + o.date() + ", " + o.days() + " days, expected the start on or before the first day"
          + " and at least one day");
    }
    AddressSpace space = addressSpace(config);
    LOG.info("generate: IPv4 proxies from {}", space);
    int fixedFiles = config.get(Keys.GENERATE_FILES);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spark.sparkContext().setJobGroup("generate", "ippipe generate " + o.date(), false);
    Result last = null;
    long inventoryTotal = 0;
    for (int d = 0; d < o.days(); d++) {
      LocalDate date = o.date().plusDays(d);
      SyntheticData.Params params = new SyntheticData.Params(config.get(Keys.GENERATE_SEED),
          o.proxies(), o.requests(), config.get(Keys.GENERATE_IPV6_SHARE),
          config.get(Keys.GENERATE_MALFORMED_RATE), config.get(Keys.GENERATE_DUPLICATE_RATE),
          config.get(Keys.GENERATE_CREDENTIALS_RATE), config.get(Keys.GENERATE_SUPPLIERS),
          config.get(Keys.GENERATE_ZIPF_EXPONENT), date);
      // The day's model holds its listed proxies and their states: one copy per executor.
      Broadcast<SyntheticData> data = jsc.broadcast(new SyntheticData(params, o.start(),
          rates, space, scenario));
      try {
        String dir = o.flat() ? o.out() : o.out() + "/dt=" + date;
        String inventoryDir = dir + "/inventory";
        String requestsDir = dir + "/requests";
        long inventoryLines = data.value().inventoryLines();
        write(spark, inventoryLines, files(fixedFiles, inventoryLines), inventoryDir,
            o.inventoryFormat() == InventoryFormat.PARQUET, INVENTORY_PARQUET,
            new InventoryLines(data, o.inventoryFormat()));
        if (o.requests() > 0) {
          write(spark, o.requests(), files(fixedFiles, o.requests()), requestsDir,
              o.logFormat() == LogFormat.PARQUET, REQUESTS_PARQUET,
              new RequestLines(data, o.logFormat()));
        }
        String truthDir = null;
        if (o.truth()) {
          truthDir = o.out() + "/truth/dt=" + date;
          long indexes = data.value().proxyIndexes();
          spark.range(0, indexes, 1, files(fixedFiles, indexes)).as(Encoders.LONG())
              .mapPartitions(new TruthRows(data), Encoders.row(TRUTH))
              .write().mode(SaveMode.Overwrite).parquet(truthDir);
        }
        inventoryTotal += inventoryLines;
        last = new Result(inventoryDir, inventoryTotal, requestsDir, o.requests() * (d + 1L),
            truthDir);
      } finally {
        data.destroy();
      }
    }
    return last;
  }

  /**
   * The routed space of {@code generate.address_ranges} when that file is there, annotated with
   * countries and hosting networks when {@code geo.index} is set; the fallback /8s otherwise.
   */
  static AddressSpace addressSpace(PipelineConfig config) {
    String ranges = config.get(Keys.GENERATE_ADDRESS_RANGES);
    if (ranges.isEmpty() || !Files.isRegularFile(Path.of(ranges))) {
      LOG.warn("generate: no address ranges at '{}' (scripts/fetch-geo.sh installs them): IPv4 "
          + "proxies spread over the fallback /8s", ranges);
      return AddressSpace.fallback();
    }
    String index = config.get(Keys.GEO_INDEX);
    GeoIndex geo = index.isEmpty() ? null : GeoCatalog.read(new java.io.File(index)).index();
    return AddressSpace.fromAsnCsv(Path.of(ranges), geo);
  }

  private static int files(int fixed, long lines) {
    return fixed > 0 ? fixed : (int) Math.max(2, Math.min(1000, lines / 1_000_000 + 1));
  }

  private static void write(SparkSession spark, long n, int files, String dir, boolean parquet,
      StructType parquetSchema, MapPartitionsFunction<Long, Row> lines) {
    org.apache.spark.sql.Dataset<Row> rows = spark.range(0, n, 1, files).as(Encoders.LONG())
        .mapPartitions(lines, parquet
            ? org.apache.spark.sql.Encoders.row(parquetSchema)
            : org.apache.spark.sql.Encoders.row(new StructType().add("value", DataTypes.StringType)));
    if (parquet) {
      rows.write().mode(SaveMode.Overwrite).parquet(dir);
    } else {
      rows.write().mode(SaveMode.Overwrite).text(dir);
    }
  }

  /** Inventory lines in one format; the CSV header leads the first partition's file. */
  static final class InventoryLines implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<SyntheticData> model;
    private final InventoryFormat format;

    InventoryLines(Broadcast<SyntheticData> model, InventoryFormat format) {
      this.model = model;
      this.format = format;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> indexes) {
      SyntheticData data = model.value();
      List<Row> out = new ArrayList<>();
      boolean first = true;
      while (indexes.hasNext()) {
        long i = indexes.next();
        if (format == InventoryFormat.PARQUET) {
          out.add(parquetRow(i));
          continue;
        }
        if (first && format == InventoryFormat.CSV) {
          out.add(RowFactory.create(SyntheticData.CSV_HEADER));
        }
        first = false;
        out.add(RowFactory.create(data.inventoryLine(i, format)));
      }
      return out.iterator();
    }

    private Row parquetRow(long i) {
      SyntheticData data = model.value();
      SyntheticData.Proxy x = data.inventoryProxy(i);
      if (x == null) {
        // Malformed rows in Parquet: the bad endpoints of the text formats, split into columns.
        String csv = data.inventoryLine(i, InventoryFormat.CSV);
        String[] f = csv.split(",", -1);
        Integer port = f.length > 1 && f[1].matches("\\d{1,9}") ? Integer.valueOf(f[1]) : null;
        return RowFactory.create(f[0], port, "http", "residential", "supplier-01", "US", null, null);
      }
      return RowFactory.create(x.ip().toString(), x.port(), x.protocol(), x.type(), x.supplier(),
          x.country(), x.username(), x.password());
    }
  }

  static final class RequestLines implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private static final String[] BAD_CLIENTS = {"localhost", "256.0.0.1", "2001:db8:2ce:1", "", "010.1.1.1"};
    private final Broadcast<SyntheticData> model;
    private final LogFormat format;

    RequestLines(Broadcast<SyntheticData> model, LogFormat format) {
      this.model = model;
      this.format = format;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> indexes) {
      SyntheticData data = model.value();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return indexes.hasNext();
        }

        @Override
        public Row next() {
          long j = indexes.next();
          if (format != LogFormat.PARQUET) {
            return RowFactory.create(data.requestLine(j, format));
          }
          SyntheticData.Request q = data.request(j);
          IpAddress proxy = q.proxy().ip();
          String client = data.isMalformedRequest(j)
              ? BAD_CLIENTS[(int) Math.floorMod(j, BAD_CLIENTS.length)] : q.client().toString();
          String host = io.ippipe.common.input.LogParser.targetHost(q.method(), q.target());
          return RowFactory.create(new java.sql.Timestamp(q.tsMillis()), client, proxy.toString(),
              q.proxy().port(), q.resultCode(), q.status(), q.elapsedMs(), q.bytes(), q.method(), host,
              data.exitIp(q) == null ? null : data.exitIp(q).toString());
        }
      };
    }
  }

  /** One truth row per proxy index that exists by the day (listed or not). */
  static final class TruthRows implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<SyntheticData> model;

    TruthRows(Broadcast<SyntheticData> model) {
      this.model = model;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> indexes) {
      SyntheticData data = model.value();
      long requests = data.requests();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return indexes.hasNext();
        }

        @Override
        public Row next() {
          SyntheticData.Truth t = data.truth(indexes.next());
          SyntheticData.Proxy x = t.proxy();
          Life.State s = t.state();
          return RowFactory.create(x.ip().toString(), x.port(), x.protocol(), x.type(),
              x.supplier(), x.country(), x.index(), s.joinDay(), s.listed(), s.label(),
              s.baseQuality(), s.service(), s.quality(), !s.dead(), s.banned(), s.wave(),
              s.degraded(), s.exitChanges() > 0, t.exit().toString(), t.trafficShare(),
              t.trafficShare() * requests);
        }
      };
    }
  }
}
