package io.ippipe.common.geo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * All geo sources merged into one sorted table of non-overlapping ranges, looked up by binary
 * search: IPv4 in 32-bit arrays behind a /16 directory, IPv6 as 128-bit (two-long) bounds.
 * Attribute rows are dictionary-encoded (each distinct record stored once, ranges hold its id).
 *
 * <p>Hand-written rather than MaxMind's reader per row: the reader walks a bit trie and decodes
 * a record for each lookup (about 1-2 µs here on the DB-IP city database, see
 * docs/performance.md), while this table answers in one short binary search over primitive
 * arrays with no allocation, and holds the merge of several sources. Immutable and
 * serialisable: built once, broadcast once.
 */
public final class GeoIndex implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long V4_MAPPED = 0xffff_0000_0000L;

  private static final long V4_FIRST = V4_MAPPED;
  private static final long V4_LAST = V4_MAPPED | 0xffff_ffffL;

  private int[] v4Start;
  private int[] v4End;
  private int[] v4Record;
  /** v4Directory[k] = index of the first IPv4 range starting at or after k << 16. */
  private final int[] v4Directory;
  private long[] v6StartHi;
  private long[] v6StartLo;
  private long[] v6EndHi;
  private long[] v6EndLo;
  private int[] v6Record;
  private final GeoAttributes[] records;

  /** Splits the merged table at the IPv4-mapped block ::ffff:0:0/96 into the two tables. */
  private GeoIndex(RangeTable merged) {
    int n4 = 0;
    int n6 = 0;
    for (int pass = 0; pass < 2; pass++) {
      int i4 = 0;
      int i6 = 0;
      for (int i = 0; i < merged.size(); i++) {
        long sHi = merged.startHi(i);
        long sLo = merged.startLo(i);
        long eHi = merged.endHi(i);
        long eLo = merged.endLo(i);
        int id = merged.id(i);
        if (GeoRange.compare(sHi, sLo, 0, V4_FIRST) < 0) {
          boolean cut = GeoRange.compare(eHi, eLo, 0, V4_FIRST) >= 0;
          i6 = put6(pass, i6, sHi, sLo, cut ? 0 : eHi, cut ? V4_FIRST - 1 : eLo, id);
        }
        boolean startsBeforeEnd = GeoRange.compare(sHi, sLo, 0, V4_LAST) <= 0;
        boolean endsAfterStart = GeoRange.compare(eHi, eLo, 0, V4_FIRST) >= 0;
        if (startsBeforeEnd && endsAfterStart) {
          long first = GeoRange.compare(sHi, sLo, 0, V4_FIRST) < 0 ? V4_FIRST : sLo;
          long last = GeoRange.compare(eHi, eLo, 0, V4_LAST) > 0 ? V4_LAST : eLo;
          if (pass == 1) {
            v4Start[i4] = (int) first;
            v4End[i4] = (int) last;
            v4Record[i4] = id;
          }
          i4++;
        }
        if (GeoRange.compare(eHi, eLo, 0, V4_LAST) > 0) {
          boolean cut = GeoRange.compare(sHi, sLo, 0, V4_LAST) <= 0;
          i6 = put6(pass, i6, cut ? 0 : sHi, cut ? V4_LAST + 1 : sLo, eHi, eLo, id);
        }
      }
      if (pass == 0) {
        n4 = i4;
        n6 = i6;
        v4Start = new int[n4];
        v4End = new int[n4];
        v4Record = new int[n4];
        v6StartHi = new long[n6];
        v6StartLo = new long[n6];
        v6EndHi = new long[n6];
        v6EndLo = new long[n6];
        v6Record = new int[n6];
      }
    }
    v4Directory = new int[65537];
    int j = 0;
    for (int k = 0; k <= 65536; k++) {
      long blockStart = (long) k << 16;
      while (j < n4 && Integer.toUnsignedLong(v4Start[j]) < blockStart) {
        j++;
      }
      v4Directory[k] = j;
    }
    records = merged.dictionary().toArray(new GeoAttributes[0]);
  }

  private int put6(int pass, int i, long sHi, long sLo, long eHi, long eLo, int id) {
    if (pass == 1) {
      v6StartHi[i] = sHi;
      v6StartLo[i] = sLo;
      v6EndHi[i] = eHi;
      v6EndLo[i] = eLo;
      v6Record[i] = id;
    }
    return i + 1;
  }

  /** The record id of an address (IPv4 as IPv4-mapped), or -1 when no source covers it. */
  public int lookup(long hi, long lo) {
    if (hi == 0 && (lo >>> 32) == 0xffffL) {
      return lookupV4((int) lo);
    }
    int low = 0;
    int high = v6StartHi.length - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (GeoRange.compare(v6StartHi[mid], v6StartLo[mid], hi, lo) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found >= 0 && GeoRange.compare(hi, lo, v6EndHi[found], v6EndLo[found]) <= 0) {
      return v6Record[found];
    }
    return -1;
  }

  private int lookupV4(int ip) {
    int block = ip >>> 16;
    // The last range starting at or before ip lies between the previous block's ranges and
    // the end of this block's.
    int low = Math.max(0, v4Directory[block] - 1);
    int high = v4Directory[block + 1] - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (Integer.compareUnsigned(v4Start[mid], ip) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found >= 0 && Integer.compareUnsigned(ip, v4End[found]) <= 0) {
      return v4Record[found];
    }
    return -1;
  }

  public GeoAttributes record(int id) {
    return records[id];
  }

  public int rangeCount() {
    return v4Start.length + v6StartHi.length;
  }

  public int v4RangeCount() {
    return v4Start.length;
  }

  public int recordCount() {
    return records.length;
  }

  /** Bytes held by the range arrays (the records' strings come on top). */
  public long rangeBytes() {
    return 12L * v4Start.length + 4L * v4Directory.length + 36L * v6StartHi.length;
  }

  /**
   * Merges sources, highest priority first: for every address, each attribute comes from the
   * first source that has it. Within one source, nested ranges resolve to the most specific.
   * {@code finish} adjusts each merged record once (e.g. network type from hosting ASN lists).
   */
  public static GeoIndex compile(List<List<GeoRange>> sourcesByPriority, UnaryOperator<GeoAttributes> finish) {
    List<RangeTable> tables = new ArrayList<>();
    for (List<GeoRange> source : sourcesByPriority) {
      tables.add(RangeTable.of(source));
    }
    return compileTables(tables, finish);
  }

  /** {@link #compile} over sources already held as range tables. */
  public static GeoIndex compileTables(List<RangeTable> sourcesByPriority, UnaryOperator<GeoAttributes> finish) {
    List<RangeTable> flat = new ArrayList<>();
    for (RangeTable source : sourcesByPriority) {
      flat.add(source.sortedDisjoint() ? source : RangeTable.of(flatten(source.toRanges())));
    }
    Map<String, String> strings = new HashMap<>();
    RangeTable merged = new RangeTable();
    int[] pos = new int[flat.size()];
    long curHi = 0;
    long curLo = 0;
    while (true) {
      boolean anyLeft = false;
      boolean covered = false;
      // The current segment ends at the nearest of: a covering range's end, or the address
      // before a range that has not started yet. (-1, -1) is the last address.
      long nextHi = -1;
      long nextLo = -1;
      GeoAttributes attrs = null;
      for (int s = flat.size() - 1; s >= 0; s--) {
        RangeTable src = flat.get(s);
        while (pos[s] < src.size() && GeoRange.compare(src.endHi(pos[s]), src.endLo(pos[s]), curHi, curLo) < 0) {
          pos[s]++;
        }
        if (pos[s] == src.size()) {
          continue;
        }
        anyLeft = true;
        int r = pos[s];
        if (GeoRange.compare(src.startHi(r), src.startLo(r), curHi, curLo) > 0) {
          // Not yet: its start bounds the current segment (start - 1 is the last address).
          long[] before = minusOne(src.startHi(r), src.startLo(r));
          if (GeoRange.compare(before[0], before[1], nextHi, nextLo) < 0) {
            nextHi = before[0];
            nextLo = before[1];
          }
        } else {
          covered = true;
          attrs = attrs == null ? src.attributes(r) : src.attributes(r).overlay(attrs);
          if (GeoRange.compare(src.endHi(r), src.endLo(r), nextHi, nextLo) < 0) {
            nextHi = src.endHi(r);
            nextLo = src.endLo(r);
          }
        }
      }
      if (!anyLeft) {
        break;
      }
      if (!covered) {
        // Jump to the next start: nextHi/Lo is the address before it.
        long[] start = plusOne(nextHi, nextLo);
        curHi = start[0];
        curLo = start[1];
        continue;
      }
      GeoAttributes finished = intern(finish.apply(attrs), strings);
      if (!finished.isEmpty()) {
        merged.add(curHi, curLo, nextHi, nextLo, finished);
      }
      if (nextHi == -1 && nextLo == -1) {
        break;
      }
      long[] after = plusOne(nextHi, nextLo);
      curHi = after[0];
      curLo = after[1];
    }
    return new GeoIndex(merged);
  }

  /**
   * One source's ranges as sorted, non-overlapping pieces: where ranges nest (a /24 inside a
   * /16 of a CIDR list), the inner, more specific one wins for its span; where they overlap
   * partly, the later-starting one; identical ranges, the one listed last (as later networks
   * override earlier ones when MaxMind's writer builds a database).
   */
  static List<GeoRange> flatten(List<GeoRange> source) {
    List<GeoRange> sorted = new ArrayList<>(source);
    sorted.sort((a, b) -> {
      int c = GeoRange.compare(a.startHi(), a.startLo(), b.startHi(), b.startLo());
      return c != 0 ? c : GeoRange.compare(b.endHi(), b.endLo(), a.endHi(), a.endLo());
    });
    List<GeoRange> out = new ArrayList<>();
    ArrayList<GeoRange> stack = new ArrayList<>();
    long[] cur = null;
    for (GeoRange r : sorted) {
      cur = emitUntil(stack, cur, r.startHi(), r.startLo(), out);
      if (cur == null || GeoRange.compare(cur[0], cur[1], r.startHi(), r.startLo()) < 0) {
        cur = new long[] {r.startHi(), r.startLo()};
      }
      stack.add(r);
    }
    emitUntil(stack, cur, -1, -1, out);
    return out;
  }

  /** Emits the stack's pieces from cur up to (excluding) the limit; returns the new cursor. */
  private static long[] emitUntil(ArrayList<GeoRange> stack, long[] cur, long limitHi, long limitLo,
      List<GeoRange> out) {
    boolean toEnd = limitHi == -1 && limitLo == -1;
    while (!stack.isEmpty() && cur != null) {
      GeoRange top = stack.get(stack.size() - 1);
      if (GeoRange.compare(top.endHi(), top.endLo(), cur[0], cur[1]) < 0) {
        stack.remove(stack.size() - 1);
        continue;
      }
      if (!toEnd && GeoRange.compare(cur[0], cur[1], limitHi, limitLo) >= 0) {
        break;
      }
      long endHi = top.endHi();
      long endLo = top.endLo();
      if (!toEnd) {
        long[] beforeLimit = minusOne(limitHi, limitLo);
        if (GeoRange.compare(beforeLimit[0], beforeLimit[1], endHi, endLo) < 0) {
          endHi = beforeLimit[0];
          endLo = beforeLimit[1];
        }
      }
      out.add(new GeoRange(cur[0], cur[1], endHi, endLo, top.attributes()));
      if (endHi == -1 && endLo == -1) {
        stack.clear();
        return null;
      }
      cur = plusOne(endHi, endLo);
    }
    return cur;
  }

  private static long[] plusOne(long hi, long lo) {
    return lo == -1 ? new long[] {hi + 1, 0} : new long[] {hi, lo + 1};
  }

  private static long[] minusOne(long hi, long lo) {
    return lo == 0 ? new long[] {hi - 1, -1} : new long[] {hi, lo - 1};
  }

  private static GeoAttributes intern(GeoAttributes a, Map<String, String> strings) {
    return new GeoAttributes(i(a.countryCode(), strings), i(a.region(), strings), i(a.city(), strings),
        a.latitude(), a.longitude(), i(a.timeZone(), strings), a.asn(), i(a.asOrg(), strings),
        i(a.networkType(), strings), a.anonymousVpn(), a.publicProxy(), a.residentialProxy(),
        a.torExit(), a.hostingProvider());
  }

  private static String i(String s, Map<String, String> strings) {
    return s == null ? null : strings.computeIfAbsent(s, x -> x);
  }

  @Override
  public String toString() {
    return "GeoIndex[" + v4Start.length + " IPv4 ranges, " + v6StartHi.length + " IPv6 ranges, "
        + records.length + " records]";
  }

  int[] v4StartsForTest() {
    return Arrays.copyOf(v4Start, v4Start.length);
  }
}
