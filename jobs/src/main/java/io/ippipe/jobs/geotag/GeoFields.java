package io.ippipe.jobs.geotag;

import io.ippipe.common.geo.GeoRecords;
import io.ippipe.common.geo.GeoIndex;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The geo columns every tagged address gets (their names, types and values), shared by geotag
 * ({@link GeoColumns}, whose values {@link #values} defines) and {@code ippipe ip geo}.
 */
public final class GeoFields {
  public static final String[] FIELDS = {"country_code", "region", "city", "latitude", "longitude",
      "time_zone", "asn", "as_org", "network_type", "is_anonymous_vpn", "is_public_proxy",
      "is_residential_proxy", "is_tor_exit", "is_hosting_provider", "geo_status"};

  public static final StructType RESULT = new StructType()
      .add("country_code", DataTypes.StringType).add("region", DataTypes.StringType)
      .add("city", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
      .add("longitude", DataTypes.DoubleType).add("time_zone", DataTypes.StringType)
      .add("asn", DataTypes.LongType).add("as_org", DataTypes.StringType)
      .add("network_type", DataTypes.StringType).add("is_anonymous_vpn", DataTypes.BooleanType)
      .add("is_public_proxy", DataTypes.BooleanType).add("is_residential_proxy", DataTypes.BooleanType)
      .add("is_tor_exit", DataTypes.BooleanType).add("is_hosting_provider", DataTypes.BooleanType)
      .add("geo_status", DataTypes.StringType);

  private GeoFields() {}

  /**
   * The values of {@link #FIELDS} for an address: geo_status special (never looked up),
   * not_found, or ok with the record's fields. Shared with {@code ippipe ip geo}.
   */
  public static Object[] values(GeoIndex geo, long hi, long lo) {
    int id = geo.tag(hi, lo);
    if (id < 0) {
      return status(id == GeoIndex.SPECIAL ? "special" : "not_found");
    }
    GeoRecords r = geo.records();
    String type = r.networkType(id);
    return new Object[] {r.countryCode(id), r.region(id), r.city(id), r.latitude(id),
        r.longitude(id), r.timeZone(id), r.asn(id), r.asOrg(id), type == null ? "unknown" : type,
        r.anonymousVpn(id), r.publicProxy(id), r.residentialProxy(id), r.torExit(id),
        r.hostingProvider(id), "ok"};
  }

  static Object[] status(String status) {
    Object[] values = new Object[FIELDS.length];
    values[FIELDS.length - 1] = status;
    return values;
  }
}
