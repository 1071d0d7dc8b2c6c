package io.ippipe.common.geo;

import io.ippipe.common.ip.SpecialPurpose;
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
  private static final long serialVersionUID = 3L;
  private static final long V4_MAPPED = 0xffff_0000_0000L;

  private static final long V4_FIRST = V4_MAPPED;
  private static final long V4_LAST = V4_MAPPED | 0xffff_ffffL;

  private final int[] v4Start;
  private final int[] v4Record;
  /** v4Directory[k] = index of the first IPv4 range starting at or after k << 16. */
  private final int[] v4Directory;
  /**
   * IPv6 entries whose start has a zero low half (a /64 boundary: all but about 0.2% of them on
   * DB-IP) keep only the high half, and of that only the low 32 bits: entries are grouped by the
   * top 32 bits of their start ({@link #v6Prefix}, sorted, with {@link #v6PrefixFirst} the index
   * of each group's first entry). 8 bytes per entry. The others sit in the small full table
   * below; a lookup takes the later of the two candidates.
   */
  private final int[] v6StartMid;
  private final int[] v6Record;
  private final int[] v6Prefix;
  private final int[] v6PrefixFirst;
  private final long[] v6OddHi;
  private final long[] v6OddLo;
  private final int[] v6OddRecord;
  private final int v4Ranges;
  private final int v6Ranges;
  private final GeoRecords records;

  /**
   * Splits the merged table at the IPv4-mapped block ::ffff:0:0/96 into the two tables. Each
   * table stores range starts only: a range ends where the next entry starts, and gaps are
   * entries of their own with record -1. That is 8 bytes per IPv4 range and 20 per IPv6 range,
   * instead of 12 and 36 with explicit ends.
   */
  private GeoIndex(RangeTable merged) {
    Starts v4 = new Starts(0, 0xffff_ffffL);
    Starts v6 = new Starts(-1, -1);
    for (int i = 0; i < merged.size(); i++) {
      long sHi = merged.startHi(i);
      long sLo = merged.startLo(i);
      long eHi = merged.endHi(i);
      long eLo = merged.endLo(i);
      int id = merged.id(i);
      if (GeoRange.compare(sHi, sLo, 0, V4_FIRST) < 0) {
        boolean cut = GeoRange.compare(eHi, eLo, 0, V4_FIRST) >= 0;
        v6.add(sHi, sLo, cut ? 0 : eHi, cut ? V4_FIRST - 1 : eLo, id);
      }
      if (GeoRange.compare(sHi, sLo, 0, V4_LAST) <= 0 && GeoRange.compare(eHi, eLo, 0, V4_FIRST) >= 0) {
        long first = GeoRange.compare(sHi, sLo, 0, V4_FIRST) < 0 ? V4_FIRST : sLo;
        long last = GeoRange.compare(eHi, eLo, 0, V4_LAST) > 0 ? V4_LAST : eLo;
        v4.add(0, first & 0xffff_ffffL, 0, last & 0xffff_ffffL, id);
      }
      if (GeoRange.compare(eHi, eLo, 0, V4_LAST) > 0) {
        boolean cut = GeoRange.compare(sHi, sLo, 0, V4_LAST) <= 0;
        v6.add(cut ? 0 : sHi, cut ? V4_LAST + 1 : sLo, eHi, eLo, id);
      }
    }
    v4Start = new int[v4.size];
    v4Record = Arrays.copyOf(v4.records, v4.size);
    for (int i = 0; i < v4.size; i++) {
      v4Start[i] = (int) v4.lo[i];
    }
    int odd = 0;
    for (int i = 0; i < v6.size; i++) {
      odd += v6.lo[i] != 0 ? 1 : 0;
    }
    long[] evenHi = new long[v6.size - odd];
    v6Record = new int[v6.size - odd];
    v6OddHi = new long[odd];
    v6OddLo = new long[odd];
    v6OddRecord = new int[odd];
    for (int i = 0, even = 0, o = 0; i < v6.size; i++) {
      if (v6.lo[i] == 0) {
        evenHi[even] = v6.hi[i];
        v6Record[even++] = v6.records[i];
      } else {
        v6OddHi[o] = v6.hi[i];
        v6OddLo[o] = v6.lo[i];
        v6OddRecord[o++] = v6.records[i];
      }
    }
    v6StartMid = new int[evenHi.length];
    int groups = 0;
    for (int i = 0; i < evenHi.length; i++) {
      v6StartMid[i] = (int) evenHi[i];
      groups += i == 0 || (evenHi[i] >>> 32) != (evenHi[i - 1] >>> 32) ? 1 : 0;
    }
    v6Prefix = new int[groups];
    v6PrefixFirst = new int[groups];
    for (int i = 0, g = 0; i < evenHi.length; i++) {
      if (i == 0 || (evenHi[i] >>> 32) != (evenHi[i - 1] >>> 32)) {
        v6Prefix[g] = (int) (evenHi[i] >>> 32);
        v6PrefixFirst[g++] = i;
      }
    }
    v4Ranges = v4.ranges;
    v6Ranges = v6.ranges;
    v4Directory = new int[65537];
    int j = 0;
    for (int k = 0; k <= 65536; k++) {
      long blockStart = (long) k << 16;
      while (j < v4Start.length && Integer.toUnsignedLong(v4Start[j]) < blockStart) {
        j++;
      }
      v4Directory[k] = j;
    }
    records = GeoRecords.of(merged.dictionary());
  }

  /** Builds a start-only table: ranges in order, with a no-record entry for every gap. */
  private static final class Starts {
    long[] hi = new long[1024];
    long[] lo = new long[1024];
    int[] records = new int[1024];
    int size;
    int ranges;
    private final long lastHi;
    private final long lastLo;
    private long nextHi;
    private long nextLo;

    /** (lastHi, lastLo) is the table's last address: 2^32 - 1 for IPv4, 2^128 - 1 for IPv6. */
    Starts(long lastHi, long lastLo) {
      this.lastHi = lastHi;
      this.lastLo = lastLo;
    }

    void add(long sHi, long sLo, long eHi, long eLo, int id) {
      if (size == 0 || GeoRange.compare(sHi, sLo, nextHi, nextLo) > 0) {
        if (size == 0 && (sHi != 0 || sLo != 0)) {
          put(0, 0, -1);
        } else if (size > 0) {
          put(nextHi, nextLo, -1);
        }
      }
      put(sHi, sLo, id);
      ranges++;
      nextHi = eLo == -1 ? eHi + 1 : eHi;
      nextLo = eLo + 1;
      if (!(eHi == lastHi && eLo == lastLo)) {
        // Close the range: whatever follows starts a gap unless the next range begins there.
        put(nextHi, nextLo, -1);
      }
    }

    private void put(long h, long l, int id) {
      if (size > 0 && hi[size - 1] == h && lo[size - 1] == l) {
        records[size - 1] = id;
        return;
      }
      if (size == hi.length) {
        hi = Arrays.copyOf(hi, size * 2);
        lo = Arrays.copyOf(lo, size * 2);
        records = Arrays.copyOf(records, size * 2);
      }
      hi[size] = h;
      lo[size] = l;
      records[size] = id;
      size++;
    }
  }

  /** {@link #tag}: no source covers the address. */
  public static final int NOT_FOUND = -1;
  /** {@link #tag}: a special-purpose address (RFC 6890 registries), never looked up. */
  public static final int SPECIAL = -2;

  /**
   * What geotag gives an address: its record id, {@link #SPECIAL} when it is not globally
   * reachable (private, loopback, documentation...: a source's answer for those is noise), or
   * {@link #NOT_FOUND}.
   */
  public int tag(long hi, long lo) {
    if (!SpecialPurpose.classify(hi, lo).globallyReachable()) {
      return SPECIAL;
    }
    return lookup(hi, lo);
  }

  /** The record id of an address (IPv4 as IPv4-mapped), or -1 when no source covers it. */
  public int lookup(long hi, long lo) {
    if (hi == 0 && (lo >>> 32) == 0xffffL) {
      return lookupV4((int) lo);
    }
    // The last start at or before the address is the later of the last even start (hi, 0) at
    // or before it and the last odd start at or before it.
    long evenAt = lastEvenAtOrBefore(hi);
    int even = (int) evenAt;
    int low = 0;
    int high = v6OddHi.length - 1;
    int odd = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (GeoRange.compare(v6OddHi[mid], v6OddLo[mid], hi, lo) <= 0) {
        odd = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (odd < 0) {
      return even < 0 ? -1 : v6Record[even];
    }
    if (even < 0 || GeoRange.compare(v6OddHi[odd], v6OddLo[odd],
        ((long) v6Prefix[(int) (evenAt >>> 32)] << 32) | Integer.toUnsignedLong(v6StartMid[even]), 0) > 0) {
      return v6OddRecord[odd];
    }
    return v6Record[even];
  }

  /**
   * The last /64-aligned start whose high half is at or before {@code hi}, as (group << 32 |
   * entry), or -1. Returning both avoids a second search for the entry's group.
   */
  private long lastEvenAtOrBefore(long hi) {
    int top = (int) (hi >>> 32);
    int low = 0;
    int high = v6Prefix.length - 1;
    int group = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (Integer.compareUnsigned(v6Prefix[mid], top) <= 0) {
        group = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (group < 0) {
      return -1;
    }
    int first = v6PrefixFirst[group];
    int last = group + 1 < v6Prefix.length ? v6PrefixFirst[group + 1] - 1 : v6StartMid.length - 1;
    if (v6Prefix[group] != top) {
      // Every entry of the group starts below the address's /32: the group's last one wins.
      return ((long) group << 32) | last;
    }
    int found = -1;
    low = first;
    high = last;
    int mid32 = (int) hi;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (Integer.compareUnsigned(v6StartMid[mid], mid32) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found >= 0) {
      return ((long) group << 32) | found;
    }
    // Every entry of the address's /32 group starts after it: the previous group's last one.
    return group == 0 ? -1 : ((long) (group - 1) << 32) | (first - 1);
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
    return found < 0 ? -1 : v4Record[found];
  }

  /**
   * The first address of the IPv4 range after the one holding {@code v4} (2^32 after the last):
   * lets a caller walk the IPv4 space one range of the index at a time.
   */
  public long nextV4Start(long v4) {
    int ip = (int) v4;
    int low = 0;
    int high = v4Start.length - 1;
    int found = v4Start.length;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (Integer.compareUnsigned(v4Start[mid], ip) > 0) {
        found = mid;
        high = mid - 1;
      } else {
        low = mid + 1;
      }
    }
    return found == v4Start.length ? 1L << 32 : Integer.toUnsignedLong(v4Start[found]);
  }

  /** The record as an object (allocates); the tagging path reads fields through {@link #records()}. */
  public GeoAttributes record(int id) {
    return records.get(id);
  }

  public GeoRecords records() {
    return records;
  }

  /** Ranges with a record (the gap entries of the start-only tables not counted). */
  public int rangeCount() {
    return v4Ranges + v6Ranges;
  }

  public int v4RangeCount() {
    return v4Ranges;
  }

  public int recordCount() {
    return records.size();
  }

  /** Bytes held by the range arrays (the records come on top: {@link GeoRecords#approximateBytes}). */
  public long rangeBytes() {
    return 8L * v4Start.length + 4L * v4Directory.length + 8L * v6StartMid.length
        + 8L * v6Prefix.length + 20L * v6OddHi.length;
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
    return "GeoIndex[" + v4Ranges + " IPv4 ranges, " + v6Ranges + " IPv6 ranges, "
        + records.size() + " records]";
  }
}
