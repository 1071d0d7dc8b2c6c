package io.ippipe.jobs.bench;

import static org.apache.spark.sql.functions.col;

import com.maxmind.db.Reader;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.jobs.io.Sessions;
import java.io.File;
import java.net.InetAddress;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Benchmark only (scripts/bench.sh geotag), never used by a job: the same geo lookup over the
 * same validated requests three ways, each into Spark's no-op sink so that only the lookup work
 * differs. (1) ippipe's broadcast compiled index; (2) the usual per-row UDF around MaxMind's
 * reader, one reader per executor JVM; (3) a Spark SQL range join
 * {@code ip BETWEEN start AND end} against the ASN range CSV, on a sample because it is a nested
 * loop, with the time per row extrapolated.
 *
 * <p>Arguments: lake date geo-index city-ipv4.mmdb asn-ipv4-num.csv sample-rows
 */
public final class GeoBaselines {
  private GeoBaselines() {}

  /** One reader per executor JVM: the fair form of the per-row baseline. */
  static final class ReaderHolder {
    private static volatile Reader reader;

    static Reader get(String path) throws Exception {
      if (reader == null) {
        synchronized (ReaderHolder.class) {
          if (reader == null) {
            reader = new Reader(new File(path));
          }
        }
      }
      return reader;
    }
  }

  static final class ReaderUdf implements UDF1<byte[], String> {
    private static final long serialVersionUID = 1L;
    private final String path;

    ReaderUdf(String path) {
      this.path = path;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public String call(byte[] ip16) throws Exception {
      if (ip16 == null) {
        return null;
      }
      Map m = ReaderHolder.get(path).get(InetAddress.getByAddress(java.util.Arrays.copyOfRange(ip16, 12, 16)), Map.class);
      return m == null ? null : (String) m.get("country_code");
    }
  }

  static final class IndexUdf implements UDF1<byte[], String> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<GeoIndex> index;

    IndexUdf(Broadcast<GeoIndex> index) {
      this.index = index;
    }

    @Override
    public String call(byte[] ip16) {
      if (ip16 == null) {
        return null;
      }
      GeoIndex g = index.value();
      int id = g.lookup(io.ippipe.common.ip.IpText.hi(ip16), io.ippipe.common.ip.IpText.lo(ip16));
      return id < 0 ? null : g.record(id).countryCode();
    }
  }

  public static void main(String[] args) throws Exception {
    String lake = args[0];
    String date = args[1];
    GeoCatalog catalog = GeoCatalog.read(new File(args[2]));
    String mmdb = args[3];
    String asnCsv = args[4];
    int sample = Integer.parseInt(args[5]);
    SparkSession spark = Sessions.getOrCreate("ippipe-bench-geo", null);
    Dataset<Row> requests = spark.read().parquet(lake + "/validated/requests/dt=" + date)
        .filter(col("proxy_ip_version").equalTo(4)).select("proxy_ip_bytes").cache();
    long rows = requests.count();
    int cores = spark.sparkContext().defaultParallelism();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<GeoIndex> index = jsc.broadcast(catalog.index());
    UserDefinedFunction byIndex = functions.udf(new IndexUdf(index), DataTypes.StringType);
    UserDefinedFunction byReader = functions.udf(new ReaderUdf(mmdb), DataTypes.StringType);

    UserDefinedFunction byStruct = functions.udf(new io.ippipe.jobs.geotag.GeoLookupUdf(index),
        io.ippipe.jobs.geotag.GeoFields.RESULT);
    double structNs = time(spark, requests.select(byStruct.apply(col("proxy_ip_bytes")).as("g")).select("g.*"),
        rows, cores, "compiled index, geotag's UDF (all 15 fields)");
    double indexNs = time(spark, requests.select(byIndex.apply(col("proxy_ip_bytes"))), rows, cores, "compiled index in a UDF (country only)");
    double readerNs = time(spark, requests.select(byReader.apply(col("proxy_ip_bytes"))), rows, cores, "MaxMind reader UDF (one reader per JVM, country only)");

    Dataset<Row> ranges = spark.read().option("header", "false").csv(asnCsv)
        .select(col("_c0").cast("long").as("start"), col("_c1").cast("long").as("end"),
            col("_c2").cast("long").as("asn"));
    long rangeCount = ranges.cache().count();
    Dataset<Row> sampleRows = requests.limit(sample).select(
        functions.conv(functions.hex(functions.substring(col("proxy_ip_bytes"), 13, 4)), 16, 10)
            .cast("long").as("ip")).cache();
    long sampled = sampleRows.count();
    Dataset<Row> joined = sampleRows.join(ranges, col("ip").between(col("start"), col("end")), "left");
    double joinNs = time(spark, joined, sampled, cores, "Spark SQL BETWEEN join, " + sampled
        + "-row sample against " + rangeCount + " ranges");
    System.out.printf("ratios (time per row): reader UDF / index UDF = %.1fx (both country only), "
        + "BETWEEN join / index UDF = %.0fx (join extrapolated from the sample); geotag's UDF with all "
        + "15 fields costs %.1fx the country-only index UDF%n", readerNs / indexNs, joinNs / indexNs,
        structNs / indexNs);
    spark.stop();
  }

  /** Runs the plan into the no-op sink and prints ns per row per core. Best of two runs. */
  private static double time(SparkSession spark, Dataset<Row> plan, long rows, int cores, String what) {
    double best = Double.MAX_VALUE;
    for (int run = 0; run < 2; run++) {
      long start = System.nanoTime();
      plan.write().format("noop").mode("overwrite").save();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    double nsPerRowCore = best * 1e9 * cores / rows;
    System.out.printf("%-75s %,12d rows %8.2f s  %,10.0f rows/s/core  %,8.0f ns/row/core%n", what,
        rows, best, rows / best / cores, nsPerRowCore);
    return nsPerRowCore;
  }
}
