package io.ippipe.bench.spark;

import static org.apache.spark.sql.functions.col;

import com.maxmind.db.Reader;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.jobs.geotag.GeoBroadcast;
import io.ippipe.jobs.geotag.GeoColumns;
import io.ippipe.jobs.geotag.GeoExecutorTable;
import io.ippipe.jobs.io.Sessions;
import java.io.File;
import java.net.InetAddress;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark only (scripts/bench.sh geotag), never used by a job: the same geo lookup over the
 * same requests several ways, each into Spark's no-op sink so that only the lookup work
 * differs. (1) geotag's columns over the broadcast compiled index, all fields and country only;
 * (2) the same index inside a Java UDF, to show the UDF boundary's cost; (3) the usual per-row UDF
 * around MaxMind's reader, one reader per executor JVM, country only and the city database's
 * whole answer; (4) a Spark SQL range join
 * {@code ip BETWEEN start AND end} against the ASN range CSV, on a sample because it is a nested
 * loop, with the time per row extrapolated. Beside them, what bounds every ratio: Spark's own
 * cost per row (a constant, then the address read alone), and the lookup kernel without Spark on
 * the same addresses.
 *
 * <p>Arguments: lake date geo-index city-ipv4.mmdb asn-ipv4-num.csv sample-rows
 */
public final class GeoBaselines {
  /** Addresses the lookup kernel times, from the start of the day. */
  private static final int KERNEL_ADDRESSES = 1_000_000;

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

    /** The reader's answer for the IPv4 address in the last 4 of 16 bytes, or null. */
    static Map<?, ?> lookup(String path, byte[] ip16) throws Exception {
      return get(path).get(InetAddress.getByAddress(java.util.Arrays.copyOfRange(ip16, 12, 16)), Map.class);
    }
  }

  /**
   * The per-row reader UDF: the reader's record of the address, turned into the UDF's value by
   * {@code answer} (the country, or the city database's whole answer as a struct).
   */
  static final class ReaderUdf<T> implements UDF1<byte[], T> {
    private static final long serialVersionUID = 1L;

    interface Answer<T> extends java.io.Serializable {
      T of(Map<?, ?> record);
    }

    private final String path;
    private final Answer<T> answer;

    ReaderUdf(String path, Answer<T> answer) {
      this.path = path;
      this.answer = answer;
    }

    @Override
    public T call(byte[] ip16) throws Exception {
      if (ip16 == null) {
        return null;
      }
      Map<?, ?> m = ReaderHolder.lookup(path, ip16);
      return m == null ? null : answer.of(m);
    }
  }

  static final StructType CITY_FIELDS = new StructType().add("country_code", DataTypes.StringType)
      .add("region", DataTypes.StringType).add("city", DataTypes.StringType)
      .add("latitude", DataTypes.DoubleType).add("longitude", DataTypes.DoubleType)
      .add("time_zone", DataTypes.StringType);

  /** The reader's whole answer for DB-IP city (flat schema) as a struct, as a peer would tag. */
  static Row cityFields(Map<?, ?> m) {
    return RowFactory.create(m.get("country_code"), m.get("state1"), m.get("city"),
        number(m.get("latitude")), number(m.get("longitude")), m.get("timezone"));
  }

  private static Double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
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

  /**
   * The country lookup alone, outside Spark, on the day's own addresses (their repeats and
   * skew): geotag's calls as its generated code makes them (the task's cached tagger, then the
   * field) against the reader's. One thread, ns per lookup by {@link BenchTiming#perCall}:
   * {geotag, reader}.
   */
  private static double[] kernel(Dataset<Row> requests, GeoBroadcast index, String mmdb)
      throws Exception {
    java.util.List<Row> sample = requests.limit(KERNEL_ADDRESSES).collectAsList();
    byte[][] addresses = new byte[sample.size()][];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = (byte[]) sample.get(i).get(0);
    }
    GeoExecutorTable table = GeoExecutorTable.of(index);
    double geotag = BenchTiming.perCall(addresses.length, () -> {
      GeoExecutorTable.Tagger tagger = table.tagger();
      long found = 0;
      for (byte[] address : addresses) {
        found += table.string(tagger.recordOf(address), 0) == null ? 0 : 1;
      }
      return found;
    });
    double reader = BenchTiming.perCall(addresses.length, () -> {
      long found = 0;
      for (byte[] address : addresses) {
        Map<?, ?> m = ReaderHolder.lookup(mmdb, address);
        found += m == null || m.get("country_code") == null ? 0 : 1;
      }
      return found;
    });
    System.out.printf("%-75s %,12d rows  geotag %6.1f ns  reader %,8.1f ns per lookup  %.1fx%n",
        "lookup kernel, one thread, the day's addresses (country)", addresses.length, geotag,
        reader, reader / geotag);
    return new double[] {geotag, reader};
  }

  public static void main(String[] args) throws Exception {
    String lake = args[0];
    String date = args[1];
    GeoCatalog catalog = GeoCatalog.read(new File(args[2]));
    String mmdb = args[3];
    String asnCsv = args[4];
    int sample = Integer.parseInt(args[5]);
    SparkSession spark = Sessions.getOrCreate("ippipe-bench-geo", null);
    Dataset<Row> requests = spark.read().parquet(lake + "/requests/dt=" + date)
        .filter(col("proxy_ip_version").equalTo(4)).select("proxy_ip_bytes");
    int cores = spark.sparkContext().defaultParallelism();
    if (!"false".equals(System.getProperty("ippipe.bench.cache"))) {
      // Two partitions per core, so that no core idles at the end and ns per row per core is
      // CPU time (the day's few large files give 3 partitions on 2 cores otherwise).
      requests = requests.repartition(2 * cores).cache();
    }
    long rows = requests.count();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<GeoIndex> index = jsc.broadcast(catalog.index());
    GeoBroadcast shipped = GeoBroadcast.of(jsc, catalog);
    UserDefinedFunction byIndex = functions.udf(new IndexUdf(index), DataTypes.StringType);
    UserDefinedFunction byReader = functions.udf(
        new ReaderUdf<>(mmdb, m -> (String) m.get("country_code")), DataTypes.StringType);
    UserDefinedFunction byReaderCity = functions.udf(
        new ReaderUdf<>(mmdb, GeoBaselines::cityFields), CITY_FIELDS);
    Column code = GeoColumns.recordOf(shipped, col("proxy_ip_bytes"));
    Column[] all = GeoColumns.fields(shipped, col("code"), "");
    double floorNs = BenchTiming.noop(requests.select(functions.lit(1)), rows, cores,
        "Spark's floor: a constant per row, the address not read");
    double scanNs = BenchTiming.noop(requests.select(functions.length(col("proxy_ip_bytes"))), rows, cores,
        "the address read: its length per row (under every line below)");
    double allNs = BenchTiming.noop(requests.withColumn("code", code).select(all), rows, cores,
        "geotag's columns, all 15 fields (the job's path)");
    double countryNs = BenchTiming.noop(requests.withColumn("code", code).select(all[0]), rows, cores,
        "geotag's columns, country only");
    double asnNs = BenchTiming.noop(requests.withColumn("code", code).select(all[6]), rows, cores,
        "geotag's columns, ASN only");
    double indexNs = BenchTiming.noop(requests.select(byIndex.apply(col("proxy_ip_bytes"))), rows, cores,
        "compiled index in a Java UDF (country only)");
    double readerNs = BenchTiming.noop(requests.select(byReader.apply(col("proxy_ip_bytes"))), rows, cores,
        "MaxMind reader UDF, one reader per JVM (country only)");
    double readerCityNs = BenchTiming.noop(requests.select(byReaderCity.apply(col("proxy_ip_bytes")).as("g")).select("g.*"),
        rows, cores, "MaxMind reader UDF, the city database's 6 fields");

    double[] kernel = kernel(requests, shipped, mmdb);

    Dataset<Row> ranges = spark.read().option("header", "false").csv(asnCsv)
        .select(col("_c0").cast("long").as("start"), col("_c1").cast("long").as("end"),
            col("_c2").cast("long").as("asn"));
    long rangeCount = ranges.cache().count();
    Dataset<Row> sampleRows = requests.limit(sample).select(
        functions.conv(functions.hex(functions.substring(col("proxy_ip_bytes"), 13, 4)), 16, 10)
            .cast("long").as("ip")).cache();
    long sampled = sampleRows.count();
    Dataset<Row> joined = sampleRows.join(ranges, col("ip").between(col("start"), col("end")), "left");
    double joinNs = BenchTiming.noop(joined, sampled, cores, "Spark SQL BETWEEN join, " + sampled
        + "-row sample against " + rangeCount + " ranges");
    System.out.printf("ratios (time per row): reader UDF / geotag columns = %.1fx country only, "
        + "%.1fx for the reader's 6 city fields against geotag's 15; Java UDF around the same index / "
        + "geotag columns = %.1fx (country only); BETWEEN join / geotag columns (ASN only) = %.0fx "
        + "(join extrapolated from the sample)%n", readerNs / countryNs, readerCityNs / allNs,
        indexNs / countryNs, joinNs / asnNs);
    // One line for scripts/bench.sh to read.
    System.out.printf(java.util.Locale.ROOT, "{\"floor_ns\": %.1f, \"kernel_geotag_ns\": %.1f, "
        + "\"kernel_reader_ns\": %.1f, \"scan_ns\": %.1f, \"all_ns\": %.1f, \"country_ns\": %.1f, "
        + "\"asn_ns\": %.1f, \"index_udf_ns\": %.1f, \"reader_country_ns\": %.1f, \"reader_city_ns\": %.1f, "
        + "\"between_ns\": %.1f, \"between_sample\": %d}%n", floorNs, kernel[0], kernel[1], scanNs,
        allNs, countryNs, asnNs, indexNs, readerNs, readerCityNs, joinNs, sampled);
    spark.stop();
  }
}
