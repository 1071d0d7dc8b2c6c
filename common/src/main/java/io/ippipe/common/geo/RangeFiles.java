package io.ippipe.common.geo;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.input.Csv;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text geo sources: ip-location-db range CSVs ({@code start,end,field...}, addresses as text or
 * as numbers), CIDR (or first-last range) lists, and ASN lists. A line that cannot be read is a
 * ConfigException naming the file and line: a geo source is configuration, and a half-read one
 * would silently mis-tag.
 */
public final class RangeFiles {
  /** Fields a CSV column can map to; "-" skips a column. */
  public static final List<String> CSV_FIELDS = List.of("country_code", "region", "city", "latitude",
      "longitude", "time_zone", "asn", "as_org", "network_type", "-");

  private RangeFiles() {}

  /**
   * An ip-location-db style CSV: the first two columns are the first and last address (IPv4 or
   * IPv6 text, or decimal numbers: IPv4 when at most 2^32-1), the others map to {@code fields}.
   */
  public static GeoSource csvRanges(String name, Path file, List<String> fields) {
    for (String f : fields) {
      if (!CSV_FIELDS.contains(f)) {
        throw new ConfigException("Geo source " + name + ": unknown CSV field '" + f + "', expected "
            + CSV_FIELDS);
      }
    }
    RangeTable ranges = new RangeTable();
    IpParser parser = new IpParser();
    forEachLine(name, file, (line, number) -> {
      List<String> cols = Csv.split(line, ',');
      if (cols.size() < 2) {
        throw bad(name, file, number, "expected start,end,...");
      }
      long[] start = address(parser, cols.get(0).strip());
      long[] end = address(parser, cols.get(1).strip());
      if (start == null || end == null || GeoRange.compare(start[0], start[1], end[0], end[1]) > 0) {
        throw bad(name, file, number, "start and end must be addresses (or numbers), start <= end");
      }
      GeoAttributes.Builder b = GeoAttributes.builder();
      for (int i = 0; i < fields.size() && i + 2 < cols.size(); i++) {
        String v = cols.get(i + 2).strip();
        if (v.isEmpty()) {
          continue;
        }
        try {
          switch (fields.get(i)) {
            case "country_code" -> b.countryCode(v);
            case "region" -> b.region(v);
            case "city" -> b.city(v);
            case "latitude" -> b.latitude(Double.parseDouble(v));
            case "longitude" -> b.longitude(Double.parseDouble(v));
            case "time_zone" -> b.timeZone(v);
            case "asn" -> b.asn(Long.parseLong(v.startsWith("AS") ? v.substring(2) : v));
            case "as_org" -> b.asOrg(v);
            case "network_type" -> b.networkType(v);
            default -> { }
          }
        } catch (NumberFormatException e) {
          throw bad(name, file, number, fields.get(i) + " is not a number");
        }
      }
      ranges.add(start[0], start[1], end[0], end[1], b.build());
    });
    return new GeoSource(name, file.toString(), "csv-ranges", "csv-ranges", -1, ranges);
  }

  /**
   * A list of CIDR blocks or {@code first-last} / {@code first,last[,...]} ranges, one per line,
   * '#' comments allowed, every entry getting the same attributes (e.g. network type hosting).
   */
  public static GeoSource cidrList(String name, Path file, GeoAttributes attributes) {
    RangeTable ranges = new RangeTable();
    IpParser parser = new IpParser();
    forEachLine(name, file, (line, number) -> {
      String entry = line.strip();
      int slash = entry.indexOf('/');
      if (slash > 0) {
        IpAddress a = parse(parser, entry.substring(0, slash));
        int prefix;
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1).strip());
        } catch (NumberFormatException e) {
          throw bad(name, file, number, "bad prefix length");
        }
        int max = a == null ? 0 : (a.version() == 4 ? 32 : 128);
        if (a == null || prefix < 0 || prefix > max) {
          throw bad(name, file, number, "expected a CIDR block");
        }
        GeoRange r = GeoRange.ofCidr(a.hi(), a.lo(), a.version() == 4 ? prefix + 96 : prefix, attributes);
        ranges.add(r.startHi(), r.startLo(), r.endHi(), r.endLo(), attributes);
        return;
      }
      List<String> parts = entry.contains(",") ? Csv.split(entry, ',') : List.of(entry.split("-", 2));
      IpAddress first = parse(parser, parts.get(0));
      IpAddress last = parts.size() > 1 ? parse(parser, parts.get(1)) : first;
      if (first == null || last == null || first.compareTo(last) > 0) {
        throw bad(name, file, number, "expected a CIDR block, an address or first-last");
      }
      ranges.add(first.hi(), first.lo(), last.hi(), last.lo(), attributes);
    });
    return new GeoSource(name, file.toString(), "cidr-list", "cidr-list", -1, ranges);
  }

  /**
   * A GeoLite2-style CSV: {@code network} CIDR blocks with a header (City, Country or ASN
   * blocks, IPv4 or IPv6), joined on {@code geoname_id} (else {@code
   * registered_country_geoname_id}) to the locations file that sits beside it in MaxMind's
   * archive ({@code ...-Blocks-IPv4.csv} -> {@code ...-Locations-en.csv}).
   */
  public static GeoSource geoLite2Csv(String name, Path blocks) {
    Path locationsFile = blocks.resolveSibling(blocks.getFileName().toString()
        .replaceAll("Blocks-IPv[46]", "Locations-en"));
    Map<String, String[]> locations = new HashMap<>();
    List<String> locationHeader = new ArrayList<>();
    if (!locationsFile.equals(blocks) && Files.isReadable(locationsFile)) {
      forEachLine(name, locationsFile, (line, number) -> {
        List<String> cols = Csv.split(line, ',');
        if (locationHeader.isEmpty()) {
          locationHeader.addAll(cols);
          return;
        }
        locations.put(cols.get(0), cols.toArray(new String[0]));
      });
    }
    int country = locationHeader.indexOf("country_iso_code");
    int region = locationHeader.indexOf("subdivision_1_name");
    int city = locationHeader.indexOf("city_name");
    int timeZone = locationHeader.indexOf("time_zone");
    RangeTable ranges = new RangeTable();
    IpParser parser = new IpParser();
    List<String> header = new ArrayList<>();
    forEachLine(name, blocks, (line, number) -> {
      List<String> cols = Csv.split(line, ',');
      if (header.isEmpty()) {
        header.addAll(cols);
        if (!header.contains("network")) {
          throw bad(name, blocks, number, "a GeoLite2 blocks file starts with a header naming 'network'");
        }
        return;
      }
      String network = column(header, cols, "network");
      int slash = network == null ? -1 : network.indexOf('/');
      IpAddress a = slash > 0 ? parse(parser, network.substring(0, slash)) : null;
      if (a == null) {
        throw bad(name, blocks, number, "expected a CIDR network");
      }
      int prefix = Integer.parseInt(network.substring(slash + 1));
      GeoAttributes.Builder b = GeoAttributes.builder();
      String geonameId = column(header, cols, "geoname_id");
      if (geonameId == null) {
        geonameId = column(header, cols, "registered_country_geoname_id");
      }
      String[] loc = geonameId == null ? null : locations.get(geonameId);
      if (loc != null) {
        b.countryCode(at(loc, country)).region(at(loc, region)).city(at(loc, city)).timeZone(at(loc, timeZone));
      }
      try {
        String lat = column(header, cols, "latitude");
        String lon = column(header, cols, "longitude");
        String asn = column(header, cols, "autonomous_system_number");
        b.latitude(lat == null ? null : Double.valueOf(lat)).longitude(lon == null ? null : Double.valueOf(lon))
            .asn(asn == null ? null : Long.valueOf(asn));
      } catch (NumberFormatException e) {
        throw bad(name, blocks, number, "latitude, longitude or autonomous_system_number is not a number");
      }
      b.asOrg(column(header, cols, "autonomous_system_organization"));
      if ("1".equals(column(header, cols, "is_anonymous_proxy"))) {
        b.publicProxy(true);
      }
      GeoAttributes attributes = b.build();
      if (!attributes.isEmpty()) {
        GeoRange r = GeoRange.ofCidr(a.hi(), a.lo(), a.version() == 4 ? prefix + 96 : prefix, attributes);
        ranges.add(r.startHi(), r.startLo(), r.endHi(), r.endLo(), attributes);
      }
    });
    return new GeoSource(name, blocks.toString(), "geolite2-csv", "geolite2-csv", -1, ranges);
  }

  private static String column(List<String> header, List<String> cols, String name) {
    int i = header.indexOf(name);
    return i < 0 || i >= cols.size() || cols.get(i).isBlank() ? null : cols.get(i).strip();
  }

  private static String at(String[] row, int i) {
    return i < 0 || i >= row.length || row[i].isBlank() ? null : row[i];
  }

  /** ASNs, one per line ({@code AS123} or {@code 123}, '#' comments), e.g. x4bnet's lists. */
  public static Set<Long> asnList(String name, Path file) {
    Set<Long> out = new HashSet<>();
    forEachLine(name, file, (line, number) -> {
      String v = line.strip().split("[\\s#]", 2)[0];
      if (v.regionMatches(true, 0, "AS", 0, 2)) {
        v = v.substring(2);
      }
      try {
        out.add(Long.parseLong(v));
      } catch (NumberFormatException e) {
        throw bad(name, file, number, "expected an AS number");
      }
    });
    return out;
  }

  interface LineHandler {
    void handle(String line, int number);
  }

  private static void forEachLine(String name, Path file, LineHandler handler) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("Geo source " + name + ": " + file + " does not exist or is not readable");
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line; (line = in.readLine()) != null; ) {
        number++;
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        handler.handle(s, number);
      }
    } catch (IOException e) {
      throw new ConfigException("Geo source " + name + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static ConfigException bad(String name, Path file, int number, String what) {
    return new ConfigException("Geo source " + name + ": " + file + ":" + number + ": " + what);
  }

  private static IpAddress parse(IpParser parser, String text) {
    return parser.parse(text.strip()) ? new IpAddress(parser.hi(), parser.lo(), parser.version()) : null;
  }

  /** An address as text, or as a decimal number (IPv4 up to 2^32-1, else IPv6). */
  private static long[] address(IpParser parser, String text) {
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      java.math.BigInteger v;
      try {
        v = new java.math.BigInteger(text);
      } catch (NumberFormatException e) {
        return null;
      }
      if (v.bitLength() > 128) {
        return null;
      }
      if (v.bitLength() <= 32) {
        return new long[] {0, 0xffff_0000_0000L | v.longValue()};
      }
      return new long[] {v.shiftRight(64).longValue(), v.longValue()};
    }
    IpAddress a = parse(parser, text);
    return a == null ? null : new long[] {a.hi(), a.lo()};
  }
}
