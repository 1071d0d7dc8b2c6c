package io.ippipe.common.geo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The index's attribute records, stored column-wise: each record is a (location, network) pair;
 * locations (country, region, city, coordinates, time zone) and networks (ASN, organisation,
 * network type, anonymity flags) are each stored once, and their strings once per distinct value.
 * On DB-IP city plus the ASN CSVs, 1.1 M records share 0.57 M locations and 0.09 M networks, so
 * this takes about a quarter of the heap that one object per record did (docs/geo.md).
 *
 * <p>Coordinates are kept as integer millionths when every source value is exact at that scale
 * (so the double a reader gets back is the source's own decimal), else as doubles.
 */
public final class GeoRecords implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final int NO = -1;
  private static final long NO_ASN = Long.MIN_VALUE;
  private static final int NO_COORDINATE = Integer.MIN_VALUE;
  private static final double SCALE = 1e6;

  private final int[] recordLocation;
  private final int[] recordNetwork;

  private final String[] strings;
  private final int[] locCountry;
  private final int[] locRegion;
  private final int[] locCity;
  private final int[] locTimeZone;
  /** Millionths of a degree, or null when {@link #latDouble} holds them. */
  private final int[] latE6;
  private final int[] lonE6;
  private final double[] latDouble;
  private final double[] lonDouble;

  private final long[] netAsn;
  private final int[] netOrg;
  private final int[] netType;
  /** Two bits per flag (0 unknown, 1 false, 2 true): vpn, public proxy, residential, tor, hosting. */
  private final short[] netFlags;

  private GeoRecords(Builder b, boolean fixedPoint) {
    recordLocation = b.recordLocation;
    recordNetwork = b.recordNetwork;
    strings = b.strings.toArray(new String[0]);
    int locations = b.locations.size();
    locCountry = new int[locations];
    locRegion = new int[locations];
    locCity = new int[locations];
    locTimeZone = new int[locations];
    latE6 = fixedPoint ? new int[locations] : null;
    lonE6 = fixedPoint ? new int[locations] : null;
    latDouble = fixedPoint ? null : new double[locations];
    lonDouble = fixedPoint ? null : new double[locations];
    for (int i = 0; i < locations; i++) {
      GeoAttributes a = b.locations.get(i);
      locCountry[i] = b.string(a.countryCode());
      locRegion[i] = b.string(a.region());
      locCity[i] = b.string(a.city());
      locTimeZone[i] = b.string(a.timeZone());
      if (fixedPoint) {
        latE6[i] = a.latitude() == null ? NO_COORDINATE : (int) Math.round(a.latitude() * SCALE);
        lonE6[i] = a.longitude() == null ? NO_COORDINATE : (int) Math.round(a.longitude() * SCALE);
      } else {
        latDouble[i] = a.latitude() == null ? Double.NaN : a.latitude();
        lonDouble[i] = a.longitude() == null ? Double.NaN : a.longitude();
      }
    }
    int networks = b.networks.size();
    netAsn = new long[networks];
    netOrg = new int[networks];
    netType = new int[networks];
    netFlags = new short[networks];
    for (int i = 0; i < networks; i++) {
      GeoAttributes a = b.networks.get(i);
      netAsn[i] = a.asn() == null ? NO_ASN : a.asn();
      netOrg[i] = b.string(a.asOrg());
      netType[i] = b.string(a.networkType());
      netFlags[i] = (short) (flag(a.anonymousVpn()) | flag(a.publicProxy()) << 2
          | flag(a.residentialProxy()) << 4 | flag(a.torExit()) << 6 | flag(a.hostingProvider()) << 8);
    }
  }

  /** Column-wise records for the dictionary's records, ids unchanged. */
  public static GeoRecords of(List<GeoAttributes> records) {
    Builder b = new Builder(records);
    boolean fixedPoint = true;
    for (GeoAttributes l : b.locations) {
      fixedPoint &= exact(l.latitude()) && exact(l.longitude());
    }
    return new GeoRecords(b, fixedPoint);
  }

  private static boolean exact(Double v) {
    return v == null || (Math.abs(v) <= 360 && Math.round(v * SCALE) / SCALE == v);
  }

  private static int flag(Boolean b) {
    return b == null ? 0 : b ? 2 : 1;
  }

  private static Boolean flag(int bits) {
    return bits == 0 ? null : bits == 2;
  }

  public int size() {
    return recordLocation.length;
  }

  /** A record as an object (allocates; the lookup path reads the fields it needs instead). */
  public GeoAttributes get(int id) {
    return new GeoAttributes(countryCode(id), region(id), city(id), latitude(id), longitude(id),
        timeZone(id), asn(id), asOrg(id), networkType(id), anonymousVpn(id), publicProxy(id),
        residentialProxy(id), torExit(id), hostingProvider(id));
  }

  public String countryCode(int id) {
    return string(locCountry[recordLocation[id]]);
  }

  public String region(int id) {
    return string(locRegion[recordLocation[id]]);
  }

  public String city(int id) {
    return string(locCity[recordLocation[id]]);
  }

  public String timeZone(int id) {
    return string(locTimeZone[recordLocation[id]]);
  }

  public Double latitude(int id) {
    return coordinate(latE6, latDouble, recordLocation[id]);
  }

  public Double longitude(int id) {
    return coordinate(lonE6, lonDouble, recordLocation[id]);
  }

  public Long asn(int id) {
    long v = netAsn[recordNetwork[id]];
    return v == NO_ASN ? null : v;
  }

  public String asOrg(int id) {
    return string(netOrg[recordNetwork[id]]);
  }

  public String networkType(int id) {
    return string(netType[recordNetwork[id]]);
  }

  public Boolean anonymousVpn(int id) {
    return flag(netFlags[recordNetwork[id]] & 3);
  }

  public Boolean publicProxy(int id) {
    return flag(netFlags[recordNetwork[id]] >> 2 & 3);
  }

  public Boolean residentialProxy(int id) {
    return flag(netFlags[recordNetwork[id]] >> 4 & 3);
  }

  public Boolean torExit(int id) {
    return flag(netFlags[recordNetwork[id]] >> 6 & 3);
  }

  public Boolean hostingProvider(int id) {
    return flag(netFlags[recordNetwork[id]] >> 8 & 3);
  }

  private String string(int i) {
    return i == NO ? null : strings[i];
  }

  private static Double coordinate(int[] fixed, double[] doubles, int location) {
    if (fixed != null) {
      int v = fixed[location];
      return v == NO_COORDINATE ? null : v / SCALE;
    }
    double d = doubles[location];
    return Double.isNaN(d) ? null : d;
  }

  /** Approximate heap bytes: arrays at their element size, strings at 40 + length bytes. */
  public long approximateBytes() {
    long bytes = 4L * (recordLocation.length + recordNetwork.length)
        + 4L * (locCountry.length + locRegion.length + locCity.length + locTimeZone.length)
        + (latE6 != null ? 8L * latE6.length : 16L * latDouble.length)
        + 8L * netAsn.length + 4L * (netOrg.length + netType.length) + 2L * netFlags.length;
    for (String s : strings) {
      bytes += 40 + s.length();
    }
    return bytes;
  }

  public int locationCount() {
    return locCountry.length;
  }

  public int networkCount() {
    return netAsn.length;
  }

  /** Splits records into distinct locations and networks, and collects the distinct strings. */
  private static final class Builder {
    final int[] recordLocation;
    final int[] recordNetwork;
    final List<GeoAttributes> locations = new ArrayList<>();
    final List<GeoAttributes> networks = new ArrayList<>();
    final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIds = new HashMap<>();

    Builder(List<GeoAttributes> records) {
      recordLocation = new int[records.size()];
      recordNetwork = new int[records.size()];
      Map<GeoAttributes, Integer> locationIds = new HashMap<>();
      Map<GeoAttributes, Integer> networkIds = new HashMap<>();
      for (int i = 0; i < records.size(); i++) {
        GeoAttributes a = records.get(i);
        GeoAttributes location = new GeoAttributes(a.countryCode(), a.region(), a.city(),
            a.latitude(), a.longitude(), a.timeZone(), null, null, null, null, null, null, null, null);
        GeoAttributes network = new GeoAttributes(null, null, null, null, null, null, a.asn(),
            a.asOrg(), a.networkType(), a.anonymousVpn(), a.publicProxy(), a.residentialProxy(),
            a.torExit(), a.hostingProvider());
        recordLocation[i] = locationIds.computeIfAbsent(location, k -> {
          locations.add(k);
          return locations.size() - 1;
        });
        recordNetwork[i] = networkIds.computeIfAbsent(network, k -> {
          networks.add(k);
          return networks.size() - 1;
        });
      }
      for (GeoAttributes l : locations) {
        string(l.countryCode());
        string(l.region());
        string(l.city());
        string(l.timeZone());
      }
      for (GeoAttributes n : networks) {
        string(n.asOrg());
        string(n.networkType());
      }
    }

    int string(String s) {
      if (s == null) {
        return NO;
      }
      return stringIds.computeIfAbsent(s, k -> {
        strings.add(k);
        return strings.size() - 1;
      });
    }
  }
}
