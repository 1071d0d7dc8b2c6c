package io.ippipe.common.score;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.geo.GeoAttributes;
import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.geo.GeoSource;
import io.ippipe.common.geo.RangeFiles;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * CIDR blocklists (FireHOL netsets and ipsets), each compiled into the same range index that geo
 * uses, so that a lookup is a binary search over primitive arrays rather than a scan of the list.
 * Serializable: it is broadcast to the executors.
 */
public final class Blocklists implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The attribute every listed range carries; the index only needs "some record here". */
  private static final GeoAttributes LISTED = GeoAttributes.builder().networkType("listed").build();

  private final List<String> names;
  private final List<GeoIndex> indexes;

  private Blocklists(List<String> names, List<GeoIndex> indexes) {
    this.names = names;
    this.indexes = indexes;
  }

  public static Blocklists none() {
    return new Blocklists(List.of(), List.of());
  }

  /** Loads score.blocklists: comma-separated files; any unreadable or malformed file fails. */
  public static Blocklists load(String spec) {
    List<String> names = new ArrayList<>();
    List<GeoIndex> indexes = new ArrayList<>();
    for (String item : spec.split(",")) {
      String file = item.strip();
      if (file.isEmpty()) {
        continue;
      }
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        throw new ConfigException("Cannot read blocklist " + file + " (score.blocklists): not found "
            + "or not readable");
      }
      String name = path.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      GeoSource source = RangeFiles.cidrList(name, path, LISTED);
      names.add(name);
      indexes.add(GeoIndex.compileTables(List.of(source.ranges()), UnaryOperator.identity()));
    }
    return new Blocklists(List.copyOf(names), List.copyOf(indexes));
  }

  /** The first list (in configured order) holding the address, or null. */
  public String firstMatch(long hi, long lo) {
    for (int i = 0; i < indexes.size(); i++) {
      if (indexes.get(i).lookup(hi, lo) >= 0) {
        return names.get(i);
      }
    }
    return null;
  }

  public List<String> names() {
    return names;
  }

  /** Ranges per list, for the run metrics. */
  public List<Integer> rangeCounts() {
    return indexes.stream().map(GeoIndex::rangeCount).toList();
  }
}
