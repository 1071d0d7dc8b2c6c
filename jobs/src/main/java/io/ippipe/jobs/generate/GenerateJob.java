package io.ippipe.jobs.generate;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.synth.SyntheticData;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * generate: writes a synthetic inventory and one day of gateway logs in any input format. Every
 * line is a function of (seed, index) (see {@link SyntheticData}), so the output does not depend
 * on the number of executors or on task retries.
 */
public final class GenerateJob {
  private GenerateJob() {}

  public record Options(LocalDate date, long proxies, long requests, InventoryFormat inventoryFormat,
      LogFormat logFormat, String out) {}

  public record Result(String inventoryDir, long inventoryLines, String requestsDir, long requestLines) {}

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
    SyntheticData.Params params = new SyntheticData.Params(config.get(Keys.GENERATE_SEED),
        o.proxies(), o.requests(), config.get(Keys.GENERATE_IPV6_SHARE),
        config.get(Keys.GENERATE_MALFORMED_RATE), config.get(Keys.GENERATE_DUPLICATE_RATE),
        config.get(Keys.GENERATE_CREDENTIALS_RATE), config.get(Keys.GENERATE_SUPPLIERS),
        config.get(Keys.GENERATE_ZIPF_EXPONENT), o.date());
    SyntheticData data = new SyntheticData(params);
    int fixedFiles = config.get(Keys.GENERATE_FILES);
    String inventoryDir = o.out() + "/inventory";
    String requestsDir = o.out() + "/requests";
    long inventoryLines = data.inventoryLines();
    spark.sparkContext().setJobGroup("generate", "ippipe generate " + o.date(), false);
    write(spark, inventoryLines, files(fixedFiles, inventoryLines), inventoryDir,
        o.inventoryFormat() == InventoryFormat.PARQUET, INVENTORY_PARQUET,
        new InventoryLines(data, o.inventoryFormat()));
    if (o.requests() > 0) {
      write(spark, o.requests(), files(fixedFiles, o.requests()), requestsDir,
          o.logFormat() == LogFormat.PARQUET, REQUESTS_PARQUET, new RequestLines(data, o.logFormat()));
    }
    return new Result(inventoryDir, inventoryLines, requestsDir, o.requests());
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
    private final SyntheticData data;
    private final InventoryFormat format;

    InventoryLines(SyntheticData data, InventoryFormat format) {
      this.data = data;
      this.format = format;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> indexes) {
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
    private final SyntheticData data;
    private final LogFormat format;

    RequestLines(SyntheticData data, LogFormat format) {
      this.data = data;
      this.format = format;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> indexes) {
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
}
