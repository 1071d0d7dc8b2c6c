package io.ippipe.common.geo;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Network;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.ippipe.common.error.ConfigException;
import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Reads every network of a MaxMind-format database through MaxMind's own reader
 * ({@code com.maxmind.db}, which also reads DB-IP and ip-location-db files that geoip2's
 * DatabaseReader refuses) and maps its record to {@link GeoAttributes}. One mapping serves all
 * supported layouts, because their field names do not collide: GeoIP2/GeoLite2 City and Country
 * ({@code country.iso_code}, {@code subdivisions}, {@code city.names.en}, {@code location}), ASN and
 * ISP ({@code autonomous_system_*}, {@code isp}), Anonymous-IP ({@code is_*}), Residential-Proxy
 * ({@code provider_name}), Connection-Type ({@code connection_type}), Enterprise
 * ({@code traits.*}), and the flat DB-IP / ip-location-db layout ({@code country_code},
 * {@code state1}, {@code city}, {@code latitude}, {@code longitude}, {@code timezone}).
 */
public final class MmdbSource {
  private MmdbSource() {}

  /** The ranges and provenance of one database; a missing or corrupt file is a ConfigException. */
  public static GeoSource read(String name, File file) {
    if (!file.isFile() || !file.canRead()) {
      throw new ConfigException("Geo source " + name + ": " + file + " does not exist or is not readable");
    }
    RangeTable ranges = new RangeTable();
    String type;
    long epoch;
    try (Reader reader = new Reader(file, Reader.FileMode.MEMORY)) {
      type = reader.getMetadata().getDatabaseType();
      epoch = reader.getMetadata().getBuildDate().getTime() / 1000;
      @SuppressWarnings("rawtypes")
      Networks<Map> networks = reader.networks(Map.class);
      while (networks.hasNext()) {
        @SuppressWarnings("rawtypes")
        DatabaseRecord<Map> record = networks.next();
        @SuppressWarnings("unchecked")
        GeoAttributes attributes = map((Map<String, Object>) record.getData());
        if (!attributes.isEmpty()) {
          GeoRange r = range(record.getNetwork(), attributes);
          ranges.add(r.startHi(), r.startLo(), r.endHi(), r.endLo(), attributes);
        }
      }
    } catch (IOException | com.maxmind.db.InvalidNetworkException | RuntimeException e) {
      throw new ConfigException("Geo source " + name + ": cannot read " + file + " as a MaxMind "
          + "database (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (ranges.size() == 0) {
      // A corrupt search tree or metadata can iterate as an empty database: tagging against it
      // would silently turn every address into not_found.
      throw new ConfigException("Geo source " + name + ": cannot read " + file + " as a MaxMind "
          + "database (it yields no network with a field ippipe reads; corrupt, or not a geo "
          + "database)");
    }
    return new GeoSource(name, file.getPath(), "mmdb", type, epoch, ranges);
  }

  static GeoRange range(Network network, GeoAttributes attributes) {
    InetAddress address = network.getNetworkAddress();
    byte[] b = address.getAddress();
    long hi = 0;
    long lo;
    int prefix = network.getPrefixLength();
    if (address instanceof Inet4Address) {
      lo = 0xffff_0000_0000L | (((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL));
      prefix += 96;
    } else {
      lo = 0;
      for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | (b[i] & 0xffL);
        lo = (lo << 8) | (b[8 + i] & 0xffL);
      }
    }
    return GeoRange.ofCidr(hi, lo, prefix, attributes);
  }

  /** The one mapping from any supported record layout to GeoAttributes. */
  public static GeoAttributes map(Map<String, Object> r) {
    GeoAttributes.Builder b = GeoAttributes.builder();
    Map<String, Object> country = child(r, "country");
    b.countryCode(country != null ? str(country.get("iso_code")) : str(r.get("country_code")));
    Object subdivisions = r.get("subdivisions");
    if (subdivisions instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
      @SuppressWarnings("unchecked")
      Map<String, Object> sub = (Map<String, Object>) first;
      b.region(englishName(sub) != null ? englishName(sub) : str(sub.get("iso_code")));
    } else {
      b.region(str(r.get("state1")));
    }
    Map<String, Object> city = child(r, "city");
    b.city(city != null ? englishName(city) : str(r.get("city")));
    Map<String, Object> location = child(r, "location");
    Map<String, Object> loc = location != null ? location : r;
    b.latitude(dbl(loc.get("latitude"))).longitude(dbl(loc.get("longitude")));
    b.timeZone(location != null ? str(location.get("time_zone")) : str(r.get("timezone")));
    Map<String, Object> traits = child(r, "traits");
    Map<String, Object> t = traits != null ? traits : r;
    b.asn(lng(t.get("autonomous_system_number")));
    String org = str(t.get("autonomous_system_organization"));
    b.asOrg(org != null ? org : str(t.get("isp")));
    b.anonymousVpn(bool(t.get("is_anonymous_vpn"))).publicProxy(bool(t.get("is_public_proxy")))
        .residentialProxy(bool(t.get("is_residential_proxy")) != null ? bool(t.get("is_residential_proxy"))
            : (r.get("provider_name") != null ? Boolean.TRUE : null))
        .torExit(bool(t.get("is_tor_exit_node"))).hostingProvider(bool(t.get("is_hosting_provider")));
    b.networkType(networkType(str(t.get("connection_type")), str(t.get("user_type"))));
    return b.build();
  }

  /**
   * ippipe's network types from MaxMind's connection_type (Cable/DSL, Cellular, Corporate,
   * Satellite) and user_type (hosting, cellular, business, residential, ...).
   */
  static String networkType(String connectionType, String userType) {
    if (userType != null) {
      switch (userType) {
        case "hosting", "content_delivery_network" -> {
          return "hosting";
        }
        case "cellular" -> {
          return "mobile";
        }
        case "business", "government", "military", "library", "school", "college" -> {
          return "business";
        }
        case "residential", "cafe", "dialup", "traveler" -> {
          return "isp";
        }
        default -> { }
      }
    }
    if (connectionType != null) {
      return switch (connectionType) {
        case "Cellular" -> "mobile";
        case "Corporate" -> "business";
        case "Cable/DSL", "Satellite", "Dialup" -> "isp";
        default -> null;
      };
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> r, String key) {
    Object v = r.get(key);
    return v instanceof Map<?, ?> ? (Map<String, Object>) v : null;
  }

  private static String englishName(Map<String, Object> m) {
    Map<String, Object> names = child(m, "names");
    return names == null ? null : str(names.get("en"));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  /** DB-IP stores coordinates as 32-bit floats: keep their printed value, not 37.422000885... */
  private static Double dbl(Object o) {
    if (o instanceof Float f) {
      return Double.valueOf(f.toString());
    }
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static Long lng(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  private static Boolean bool(Object o) {
    return o instanceof Boolean v ? v : null;
  }
}
