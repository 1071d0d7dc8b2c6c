package io.ippipe.common.geo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source's ranges in primitive arrays with dictionary-encoded attributes: DB-IP city alone
 * has 14.7 million networks, too many for an object per range. Ranges appended in address order
 * that touch and carry equal attributes are coalesced as they arrive (an mmdb splits one range
 * into many CIDR networks).
 */
public final class RangeTable {
  private long[] startHi = new long[1024];
  private long[] startLo = new long[1024];
  private long[] endHi = new long[1024];
  private long[] endLo = new long[1024];
  private int[] ids = new int[1024];
  private int size;
  private boolean sortedDisjoint = true;
  private final List<GeoAttributes> dictionary = new ArrayList<>();
  private final Map<GeoAttributes, Integer> dictionaryIndex = new HashMap<>();

  public static RangeTable of(List<GeoRange> ranges) {
    RangeTable t = new RangeTable();
    for (GeoRange r : ranges) {
      t.add(r.startHi(), r.startLo(), r.endHi(), r.endLo(), r.attributes());
    }
    return t;
  }

  public void add(long sHi, long sLo, long eHi, long eLo, GeoAttributes attributes) {
    Integer id = dictionaryIndex.get(attributes);
    if (id == null) {
      id = dictionary.size();
      dictionary.add(attributes);
      dictionaryIndex.put(attributes, id);
    }
    if (size > 0) {
      int last = size - 1;
      long nextLo = endLo[last] + 1;
      long nextHi = endLo[last] == -1 ? endHi[last] + 1 : endHi[last];
      if (ids[last] == id && nextHi == sHi && nextLo == sLo
          && !(endHi[last] == -1 && endLo[last] == -1)) {
        endHi[last] = eHi;
        endLo[last] = eLo;
        return;
      }
      if (GeoRange.compare(sHi, sLo, endHi[last], endLo[last]) <= 0) {
        sortedDisjoint = false;
      }
    }
    if (size == ids.length) {
      int n = size * 2;
      startHi = Arrays.copyOf(startHi, n);
      startLo = Arrays.copyOf(startLo, n);
      endHi = Arrays.copyOf(endHi, n);
      endLo = Arrays.copyOf(endLo, n);
      ids = Arrays.copyOf(ids, n);
    }
    startHi[size] = sHi;
    startLo[size] = sLo;
    endHi[size] = eHi;
    endLo[size] = eLo;
    ids[size] = id;
    size++;
  }

  public int size() {
    return size;
  }

  /** True when the ranges came in address order without overlaps (every mmdb does). */
  public boolean sortedDisjoint() {
    return sortedDisjoint;
  }

  long startHi(int i) {
    return startHi[i];
  }

  long startLo(int i) {
    return startLo[i];
  }

  long endHi(int i) {
    return endHi[i];
  }

  long endLo(int i) {
    return endLo[i];
  }

  int id(int i) {
    return ids[i];
  }

  List<GeoAttributes> dictionary() {
    return dictionary;
  }

  GeoAttributes attributes(int i) {
    return dictionary.get(ids[i]);
  }

  List<GeoRange> toRanges() {
    List<GeoRange> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new GeoRange(startHi[i], startLo[i], endHi[i], endLo[i], attributes(i)));
    }
    return out;
  }
}
