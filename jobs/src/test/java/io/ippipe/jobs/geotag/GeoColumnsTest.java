package io.ippipe.jobs.geotag;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.IpText;
import io.ippipe.jobs.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Geotag's Catalyst expressions against the plain-Java reference ({@link GeoFields#values}, what
 * {@code ippipe ip geo} prints), on MaxMind's test databases: every field of 20 000 addresses
 * inside and around their networks, special-purpose and unknown addresses, values that are not
 * 16 bytes, and nulls; once in generated code and once interpreted.
 */
class GeoColumnsTest {
  private static SparkSession spark;
  private static GeoIndex index;
  private static GeoCatalog catalog;
  private static GeoBroadcast broadcast;
  private static Dataset<Row> addresses;

  @BeforeAll
  static void setUp() {
    Path db = Path.of(System.getProperty("ippipe.shared.data", "../../shared/data"))
        .resolve("maxmind-test-db/test-data");
    catalog = GeoCatalog.load(GeoCatalog.parseSpecs("mmdb:" + db.resolve("GeoIP2-City-Test.mmdb")
        + ", mmdb:" + db.resolve("GeoIP2-Anonymous-IP-Test.mmdb") + ", mmdb:"
        + db.resolve("GeoLite2-ASN-Test.mmdb")), 0, Instant.now());
    index = catalog.index();
    spark = SharedSpark.get();
    broadcast = GeoBroadcast.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), catalog);
    Random random = new Random(7);
    // Networks of the test databases (v4 and v6), so that most addresses find a record.
    String[] near = {"81.2.69.0", "1.124.213.0", "216.160.83.0", "89.160.20.0", "67.43.156.0",
        "1.128.0.0", "149.101.100.0", "175.16.199.0", "2001:218::", "2001:220::", "2a02:d300::",
        "2001:480::", "10.0.0.0", "127.0.0.0", "192.168.1.0", "::ffff:0:0"};
    List<Row> rows = new ArrayList<>();
    IpParser parser = new IpParser();
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      if (i % 4 == 0) {
        b = new byte[16];
        random.nextBytes(b);
        if (random.nextBoolean()) {
          b = IpText.toBytes(0, 0xffff00000000L | (random.nextInt() & 0xffffffffL));
        }
      } else {
        assertTrue(parser.parse(near[random.nextInt(near.length)]));
        b = IpText.toBytes(parser.hi(), parser.lo() + random.nextInt(4096));
      }
      rows.add(RowFactory.create(b));
    }
    rows.add(RowFactory.create(new byte[4]));
    rows.add(RowFactory.create(new byte[0]));
    rows.add(RowFactory.create((Object) null));
    addresses = spark.createDataFrame(rows,
        new StructType().add("ip_bytes", DataTypes.BinaryType)).repartition(3);
  }

  @AfterAll
  static void tearDown() {
    spark.conf().unset("spark.sql.codegen.wholeStage");
    spark.conf().unset("spark.sql.codegen.factoryMode");
    broadcast.destroy();
  }

  private static List<Row> tagged() {
    return tagged(broadcast);
  }

  private static List<Row> tagged(GeoBroadcast geo) {
    List<Column> out = new ArrayList<>(List.of(col("ip_bytes")));
    out.addAll(Arrays.asList(GeoColumns.fields(geo, col("code"), "")));
    return addresses.withColumn("code", GeoColumns.recordOf(geo, col("ip_bytes")))
        .select(out.toArray(new Column[0])).collectAsList();
  }

  private static void assertAgreesWithReference(List<Row> rows) {
    assertEquals(20_003, rows.size());
    Map<String, Integer> statuses = new TreeMap<>();
    for (Row r : rows) {
      byte[] b = r.isNullAt(0) ? null : (byte[]) r.get(0);
      Object[] expected = b == null ? new Object[GeoFields.FIELDS.length]
          : b.length != 16 ? statusOnly("invalid") : GeoFields.values(index, IpText.hi(b), IpText.lo(b));
      for (int f = 0; f < GeoFields.FIELDS.length; f++) {
        assertEquals(expected[f], r.get(f + 1), GeoFields.FIELDS[f] + " of "
            + (b == null ? "null" : b.length == 16 ? IpText.format(IpText.hi(b), IpText.lo(b), 6) : b.length + " bytes"));
      }
      statuses.merge(String.valueOf(r.get(GeoFields.FIELDS.length)), 1, Integer::sum);
    }
    // The sample reaches every status, so every branch of the generated code ran.
    assertEquals(Set.of("invalid", "not_found", "null", "ok", "special"), statuses.keySet());
    assertEquals(2, statuses.get("invalid"));
    assertTrue(statuses.get("ok") > 5_000 && statuses.get("special") > 1_000
        && statuses.get("not_found") > 1_000, statuses.toString());
  }

  private static Object[] statusOnly(String status) {
    Object[] v = new Object[GeoFields.FIELDS.length];
    v[v.length - 1] = status;
    return v;
  }

  /** In local mode the tasks run in the driver's JVM and use the index it read: no copy. */
  @Test
  void localTasksUseTheDriversIndex() {
    assertAgreesWithReference(tagged());
    assertSame(index, broadcast.index());
    assertTrue(broadcast.toString().contains("driver's"), broadcast.toString());
  }

  /**
   * A cluster's executors read the index from the broadcast file's bytes, once per JVM: the
   * same shipment, forced in local mode, through the generated code of real tasks.
   */
  @Test
  void executorsReadTheIndexFromTheShippedBytes() {
    GeoBroadcast shipped = GeoBroadcast.ship(
        JavaSparkContext.fromSparkContext(spark.sparkContext()), catalog, true);
    try {
      assertAgreesWithReference(tagged(shipped));
      GeoIndex read = shipped.index();
      assertNotSame(index, read, "read from the bytes, not the driver's");
      assertSame(read, shipped.index(), "read once");
    } finally {
      shipped.destroy();
    }
  }

  /** The 15 fields read one record code: the address is looked up once per row, not 15 times. */
  @Test
  void eachAddressIsLookedUpOncePerRow() {
    List<Column> out = new ArrayList<>(List.of(col("ip_bytes")));
    out.addAll(Arrays.asList(GeoColumns.fields(broadcast, col("code"), "")));
    String plan = addresses.withColumn("code", GeoColumns.recordOf(broadcast, col("ip_bytes")))
        .select(out.toArray(new Column[0])).queryExecution().executedPlan().toString();
    assertEquals(1, plan.split("geo_record\\(", -1).length - 1, plan);
    assertEquals(15, plan.split("geo_[a-z_]+\\(code", -1).length - 1, plan);
  }

  @Test
  void generatedCodeAgreesWithTheReferenceOnEveryField() {
    spark.conf().unset("spark.sql.codegen.wholeStage");
    spark.conf().unset("spark.sql.codegen.factoryMode");
    assertAgreesWithReference(tagged());
  }

  @Test
  void interpretedEvaluationAgreesWithTheReferenceOnEveryField() {
    spark.conf().set("spark.sql.codegen.wholeStage", "false");
    spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    try {
      assertAgreesWithReference(tagged());
    } finally {
      spark.conf().unset("spark.sql.codegen.wholeStage");
      spark.conf().unset("spark.sql.codegen.factoryMode");
    }
  }
}
