package io.ippipe.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.jobs.encrypt.AddressCipherUdf;
import io.ippipe.jobs.geotag.GeoBroadcast;
import io.ippipe.jobs.geotag.GeoColumns;
import io.ippipe.jobs.lake.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Parsed requests ({@link ParsedRows#REQUEST}) to the requests table's columns, in one
 * projection Spark compiles into the pass: the proxy's and the customer's geo from the plaintext
 * addresses ({@link GeoColumns}), then the customer's address pseudonymised, so that its
 * plaintext never leaves the task that parsed it.
 */
final class RequestColumns {
  private RequestColumns() {}

  /** Proxy geo in the requests table: its location and network; the rest is in inventory. */
  static final List<String> PROXY_GEO = List.of("country_code", "region", "city", "asn",
      "as_org", "network_type", "geo_status");
  /** The customer's coarse geo, always: country and network. */
  static final List<String> CLIENT_GEO = List.of("country_code", "asn", "as_org", "network_type",
      "geo_status");
  /** Quasi-identifiers, only with geo.client_detail: null columns otherwise. */
  static final List<String> CLIENT_DETAIL = List.of("region", "city", "latitude", "longitude");

  /**
   * @param geo the index, or null when geo is off (every geo column null)
   * @param keys the derived key of {@code keyId} for {@code scheme} only (what tasks receive)
   */
  static Dataset<Row> project(Dataset<Row> parsed, GeoBroadcast geo, boolean clientDetail,
      Scheme scheme, KeyRing keys, String keyId, int cacheEntries) {
    Dataset<Row> staged = parsed;
    if (geo != null) {
      staged = staged.withColumn("__geo_proxy", GeoColumns.recordOf(geo, col("proxy_ip_bytes")))
          .withColumn("__geo_client", GeoColumns.recordOf(geo, col("client_ip_bytes")));
    }
    UserDefinedFunction cipher = functions.udf(new AddressCipherUdf("client_ip", scheme, keys, true,
        cacheEntries), AddressCipherUdf.RESULT).asNondeterministic();
    staged = staged.withColumn("__client", cipher.apply(col("client_ip"), lit(keyId)));

    Map<String, Column> out = new LinkedHashMap<>();
    out.putAll(GeoColumns.fields(geo, col("__geo_proxy"), "proxy_", PROXY_GEO));
    out.putAll(GeoColumns.fields(geo, col("__geo_client"), "client_", CLIENT_GEO));
    Map<String, Column> detail = GeoColumns.fields(geo, col("__geo_client"), "client_",
        CLIENT_DETAIL);
    detail.forEach((name, c) -> out.put(name, clientDetail ? c
        : lit(null).cast(Tables.REQUESTS.schema().apply(name).dataType()).as(name)));
    out.put("client_ip", col("__client.value").as("client_ip"));
    out.put("client_ip_version", col("__client.version").as("client_ip_version"));
    out.put("client_ip_bytes", col("__client.bytes").as("client_ip_bytes"));
    out.put("key_id", lit(keyId).as("key_id"));
    List<Column> columns = new ArrayList<>();
    for (StructField f : Tables.REQUESTS.schema().fields()) {
      columns.add(out.getOrDefault(f.name(), col(f.name())));
    }
    return staged.select(columns.toArray(new Column[0]));
  }
}
