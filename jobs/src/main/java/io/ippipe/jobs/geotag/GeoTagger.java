package io.ippipe.jobs.geotag;

import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.geo.GeoRecords;
import io.ippipe.common.ip.IpText;
import io.ippipe.common.ip.SpecialPurpose;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Adds the geo columns to a table at Spark's internal row level, without a UDF: each input row
 * is copied once and joined with a row of geo values whose strings are UTF8Strings converted once
 * per executor JVM (not once per row). A struct-returning UDF converts every field of every row
 * from Java objects, which cost more than the lookup itself (docs/performance.md).
 */
public final class GeoTagger implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  /** UTF8String forms of an index's strings, per index object (one per executor JVM). */
  private static final Map<GeoRecords, UTF8String[]> UTF8 = new WeakHashMap<>();
  private static final UTF8String OK = UTF8String.fromString("ok");
  private static final UTF8String NOT_FOUND = UTF8String.fromString("not_found");
  private static final UTF8String SPECIAL = UTF8String.fromString("special");
  private static final UTF8String INVALID = UTF8String.fromString("invalid");
  private static final UTF8String UNKNOWN = UTF8String.fromString("unknown");

  private final Broadcast<GeoIndex> index;
  private final int[] addressOrdinals;

  private GeoTagger(Broadcast<GeoIndex> index, int[] addressOrdinals) {
    this.index = index;
    this.addressOrdinals = addressOrdinals;
  }

  /** {@code rows} plus, per (address column, prefix), the {@link GeoFields#FIELDS} columns. */
  public static Dataset<Row> tag(Dataset<Row> rows, Broadcast<GeoIndex> index,
      Map<String, String> columnsToPrefixes) {
    StructType out = rows.schema();
    int[] ordinals = new int[columnsToPrefixes.size()];
    int t = 0;
    for (Map.Entry<String, String> e : columnsToPrefixes.entrySet()) {
      ordinals[t++] = rows.schema().fieldIndex(e.getKey());
      for (StructField f : GeoFields.RESULT.fields()) {
        out = out.add(e.getValue() + f.name(), f.dataType(), true);
      }
    }
    SparkSession spark = rows.sparkSession();
    var tagged = rows.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(new GeoTagger(index, ordinals));
    return spark.internalCreateDataFrame(tagged.rdd(), out, false);
  }

  private static synchronized UTF8String[] utf8(GeoRecords records) {
    return UTF8.computeIfAbsent(records, r -> {
      UTF8String[] u = new UTF8String[r.stringCount()];
      for (int i = 0; i < u.length; i++) {
        u[i] = UTF8String.fromString(r.stringAt(i));
      }
      return u;
    });
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    GeoIndex geo = index.value();
    GeoRecords records = geo.records();
    UTF8String[] strings = utf8(records);
    int width = GeoFields.FIELDS.length;
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public InternalRow next() {
        // The input row may be a reused buffer: copy it before the next one overwrites it.
        InternalRow in = rows.next().copy();
        Object[] values = new Object[width * addressOrdinals.length];
        for (int t = 0; t < addressOrdinals.length; t++) {
          fill(values, t * width, in, addressOrdinals[t], geo, records, strings);
        }
        return new JoinedRow(in, new GenericInternalRow(values));
      }
    };
  }

  private static void fill(Object[] v, int o, InternalRow in, int ordinal, GeoIndex geo,
      GeoRecords r, UTF8String[] strings) {
    if (in.isNullAt(ordinal)) {
      return;
    }
    byte[] address = in.getBinary(ordinal);
    int status = o + GeoFields.FIELDS.length - 1;
    if (address.length != 16) {
      v[status] = INVALID;
      return;
    }
    long hi = IpText.hi(address);
    long lo = IpText.lo(address);
    if (!SpecialPurpose.classify(hi, lo).globallyReachable()) {
      v[status] = SPECIAL;
      return;
    }
    int id = geo.lookup(hi, lo);
    if (id < 0) {
      v[status] = NOT_FOUND;
      return;
    }
    v[o] = ref(strings, r.stringRef(id, GeoRecords.COUNTRY));
    v[o + 1] = ref(strings, r.stringRef(id, GeoRecords.REGION));
    v[o + 2] = ref(strings, r.stringRef(id, GeoRecords.CITY));
    v[o + 3] = r.latitude(id);
    v[o + 4] = r.longitude(id);
    v[o + 5] = ref(strings, r.stringRef(id, GeoRecords.TIME_ZONE));
    v[o + 6] = r.asn(id);
    v[o + 7] = ref(strings, r.stringRef(id, GeoRecords.AS_ORG));
    UTF8String type = ref(strings, r.stringRef(id, GeoRecords.NETWORK_TYPE));
    v[o + 8] = type == null ? UNKNOWN : type;
    v[o + 9] = r.anonymousVpn(id);
    v[o + 10] = r.publicProxy(id);
    v[o + 11] = r.residentialProxy(id);
    v[o + 12] = r.torExit(id);
    v[o + 13] = r.hostingProvider(id);
    v[status] = OK;
  }

  private static UTF8String ref(UTF8String[] strings, int ref) {
    return ref < 0 ? null : strings[ref];
  }
}
