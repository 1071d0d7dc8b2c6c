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
  private static final long serialVersionUID = 3L;
  private static final int NO = -1;
  private static final long NO_ASN = Long.MIN_VALUE;
  private static final int NO_COORDINATE = Integer.MIN_VALUE;
  private static final double SCALE = 1e6;

  /** Per record: location id in the high 32 bits, network id in the low 32. */
  private final long[] recordPair;
  private final String[] strings;
  /**
   * Per location, {@link #LOC_STRIDE} ints side by side (one cache line per lookup rather than
   * one per column): country, region, city and time zone string ids, then latitude and longitude
   * in millionths, or when {@link #coordinates} is set, unused.
   */
  private final int[] locations;
  /** Coordinates as doubles (latitude, longitude per location) when not exact in millionths. */
  private final double[] coordinates;
  /** Per network, {@link #NET_STRIDE} ints: organisation and network type string ids, flags. */
  private final int[] networks;
  private final long[] netAsn;

  private static final int LOC_STRIDE = 6;
  private static final int NET_STRIDE = 3;

  private GeoRecords(Builder b, boolean fixedPoint) {
    recordPair = new long[b.recordLocation.length];
    for (int i = 0; i < recordPair.length; i++) {
      recordPair[i] = ((long) b.recordLocation[i] << 32) | b.recordNetwork[i];
    }
    strings = b.strings.toArray(new String[0]);
    int locationCount = b.locations.size();
    locations = new int[LOC_STRIDE * locationCount];
    coordinates = fixedPoint ? null : new double[2 * locationCount];
    for (int i = 0; i < locationCount; i++) {
      GeoAttributes a = b.locations.get(i);
      int o = LOC_STRIDE * i;
      locations[o] = b.string(a.countryCode());
      locations[o + 1] = b.string(a.region());
      locations[o + 2] = b.string(a.city());
      locations[o + 3] = b.string(a.timeZone());
      if (fixedPoint) {
        locations[o + 4] = a.latitude() == null ? NO_COORDINATE : (int) Math.round(a.latitude() * SCALE);
        locations[o + 5] = a.longitude() == null ? NO_COORDINATE : (int) Math.round(a.longitude() * SCALE);
      } else {
        coordinates[2 * i] = a.latitude() == null ? Double.NaN : a.latitude();
        coordinates[2 * i + 1] = a.longitude() == null ? Double.NaN : a.longitude();
      }
    }
    int networkCount = b.networks.size();
    networks = new int[NET_STRIDE * networkCount];
    netAsn = new long[networkCount];
    for (int i = 0; i < networkCount; i++) {
      GeoAttributes a = b.networks.get(i);
      netAsn[i] = a.asn() == null ? NO_ASN : a.asn();
      networks[NET_STRIDE * i] = b.string(a.asOrg());
      networks[NET_STRIDE * i + 1] = b.string(a.networkType());
      networks[NET_STRIDE * i + 2] = flag(a.anonymousVpn()) | flag(a.publicProxy()) << 2
          | flag(a.residentialProxy()) << 4 | flag(a.torExit()) << 6 | flag(a.hostingProvider()) << 8;
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
    return recordPair.length;
  }

  /** A record as an object (allocates; the lookup path reads the fields it needs instead). */
  public GeoAttributes get(int id) {
    int l = location(id);
    int n = network(id);
    return new GeoAttributes(string(locations[l]), string(locations[l + 1]),
        string(locations[l + 2]), coordinate(l, 0), coordinate(l, 1), string(locations[l + 3]),
        asn(id), string(networks[n]), string(networks[n + 1]), flag(flagBitsAt(n, 0)),
        flag(flagBitsAt(n, 1)), flag(flagBitsAt(n, 2)), flag(flagBitsAt(n, 3)),
        flag(flagBitsAt(n, 4)));
  }

  /** Offset of the record's location in {@link #locations}. */
  private int location(int id) {
    return LOC_STRIDE * (int) (recordPair[id] >>> 32);
  }

  /** Offset of the record's network in {@link #networks}. */
  private int network(int id) {
    return NET_STRIDE * (int) recordPair[id];
  }

  public String countryCode(int id) {
    return string(stringId(id, 0));
  }

  public String region(int id) {
    return string(stringId(id, 1));
  }

  public String city(int id) {
    return string(stringId(id, 2));
  }

  public String timeZone(int id) {
    return string(stringId(id, 3));
  }

  public Double latitude(int id) {
    return coordinate(location(id), 0);
  }

  public Double longitude(int id) {
    return coordinate(location(id), 1);
  }

  public Long asn(int id) {
    long v = asnOr(id, NO_ASN);
    return v == NO_ASN ? null : v;
  }

  public String asOrg(int id) {
    return string(stringId(id, 4));
  }

  public String networkType(int id) {
    return string(stringId(id, 5));
  }

  public Boolean anonymousVpn(int id) {
    return flag(flagBits(id, 0));
  }

  public Boolean publicProxy(int id) {
    return flag(flagBits(id, 1));
  }

  public Boolean residentialProxy(int id) {
    return flag(flagBits(id, 2));
  }

  public Boolean torExit(int id) {
    return flag(flagBits(id, 3));
  }

  public Boolean hostingProvider(int id) {
    return flag(flagBits(id, 4));
  }

  /**
   * Raw access for readers that keep their own form of the strings (geotag's Spark expressions
   * keep them as UTF8String, converted once per executor rather than once per row).
   * String fields by position: 0 country code, 1 region, 2 city, 3 time zone, 4 AS organisation,
   * 5 network type. Returns an index into {@link #stringAt}, or -1 when the record has none.
   */
  public int stringId(int id, int field) {
    return field < 4 ? locations[location(id) + field] : networks[network(id) + field - 4];
  }

  public int stringCount() {
    return strings.length;
  }

  public String stringAt(int stringId) {
    return strings[stringId];
  }

  /** which: 0 latitude, 1 longitude; NaN when the record has none. Does not allocate. */
  public double coordinateOrNaN(int id, int which) {
    return coordinateAt(location(id), which);
  }

  /** The ASN, or {@code absent} when the record has none. Does not allocate. */
  public long asnOr(int id, long absent) {
    long v = netAsn[(int) recordPair[id]];
    return v == NO_ASN ? absent : v;
  }

  /**
   * An anonymity flag without boxing: 0 unknown, 1 false, 2 true. which: 0 anonymous VPN,
   * 1 public proxy, 2 residential proxy, 3 Tor exit, 4 hosting provider.
   */
  public int flagBits(int id, int which) {
    return flagBitsAt(network(id), which);
  }

  private int flagBitsAt(int networkOffset, int which) {
    return networks[networkOffset + 2] >> (2 * which) & 3;
  }

  private String string(int i) {
    return i == NO ? null : strings[i];
  }

  /** which: 0 latitude, 1 longitude. */
  private Double coordinate(int locationOffset, int which) {
    double d = coordinateAt(locationOffset, which);
    return Double.isNaN(d) ? null : d;
  }

  /** which: 0 latitude, 1 longitude; NaN for none (a fixed-point value is never NaN). */
  private double coordinateAt(int locationOffset, int which) {
    if (coordinates == null) {
      int v = locations[locationOffset + 4 + which];
      return v == NO_COORDINATE ? Double.NaN : v / SCALE;
    }
    return coordinates[2 * (locationOffset / LOC_STRIDE) + which];
  }

  /** Approximate heap bytes: arrays at their element size, strings at 48 + length bytes. */
  public long approximateBytes() {
    long bytes = 8L * recordPair.length + 4L * locations.length
        + (coordinates == null ? 0 : 8L * coordinates.length) + 4L * networks.length
        + 8L * netAsn.length;
    for (String s : strings) {
      bytes += 48 + s.length();
    }
    return bytes;
  }

  public int locationCount() {
    return locations.length / LOC_STRIDE;
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
