package io.ippipe.jobs.io;

import java.util.Locale;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * Parquet's RLE/bit-packed hybrid runs (a page's repetition and definition levels, dictionary
 * ids, booleans) walked by their headers, as Spark's decoder will read them, to find the two
 * ways those headers defeat it. Runs that end before the page's values do: Spark's decoder then
 * waits for a next run for ever, making no progress, and its task never ends. A bit-packed run
 * stating more values than its bytes hold: the decoder allocates an array of them (up to 8 GiB)
 * before it reads one. Hand-written because decoders (Spark's and parquet-mr's) trust the same
 * headers, and a walk by headers skips the packed bytes a decoder would unpack; parquet-mr's
 * packer unpacks only the levels counted.
 */
final class HybridRuns {
  private final String what;
  private final byte[] data;
  private final int end;
  private final int bitWidth;
  private final int byteWidth;
  private int pos;
  private long held;
  private long matching;

  private HybridRuns(String what, byte[] data, int from, int to, int bitWidth) {
    this.what = what;
    this.data = data;
    this.pos = from;
    this.end = to;
    this.bitWidth = bitWidth;
    this.byteWidth = (bitWidth + 7) / 8;
  }

  /**
   * Walks the runs of {@code data[from, to)} of values {@code bitWidth} bits wide until they hold
   * {@code want} values; {@code counted[0]} gets how many of those equal {@code match} (a
   * negative {@code match} counts none). Returns why a decoder would hang or over-allocate on
   * them, or null.
   */
  static String check(String what, byte[] data, int from, int to, int bitWidth, long want,
      int match, long[] counted) {
    HybridRuns runs = new HybridRuns(what, data, from, to, bitWidth);
    String why = runs.walk(want, match);
    counted[0] = runs.matching;
    return why;
  }

  private String walk(long want, int match) {
    BytePacker packer = match >= 0 ? Packer.LITTLE_ENDIAN.newBytePacker(bitWidth) : null;
    int[] unpacked = new int[8];
    while (held < want) {
      if (pos >= end) {
        return String.format(Locale.ROOT, "a page's %s hold %,d of its %,d values", what, held,
            want);
      }
      long header = varint();
      if (header < 0) {
        return String.format(Locale.ROOT, "a page's %s %s", what, header == -1
            ? "end in a run's header" : "hold a run's header longer than 5 bytes");
      }
      long count;
      if ((header & 1) == 0) {
        count = header >>> 1;
        if (end - pos < byteWidth) {
          return String.format(Locale.ROOT, "a page's %s end in a run's value", what);
        }
        int value = 0;
        for (int i = 0; i < byteWidth; i++) {
          value |= (data[pos + i] & 0xFF) << (8 * i);
        }
        pos += byteWidth;
        if (value == match) {
          matching += Math.min(count, want - held);
        }
      } else {
        long groups = header >>> 1;
        count = groups * 8;
        long bytes = groups * bitWidth;
        if (bytes > end - pos) {
          return String.format(Locale.ROOT, "a page's %s state a run of %,d values in %,d bytes,"
              + " %,d left", what, count, bytes, end - pos);
        }
        if (packer != null) {
          for (long g = 0; g < groups && held + g * 8 < want; g++) {
            packer.unpack8Values(data, pos + (int) (g * bitWidth), unpacked, 0);
            for (int i = 0; i < 8 && held + g * 8 + i < want; i++) {
              matching += unpacked[i] == match ? 1 : 0;
            }
          }
        }
        pos += (int) bytes;
      }
      held += count;
    }
    return null;
  }

  /**
   * The next unsigned varint of at most 32 bits; -1 if the runs end inside it, -2 if it is
   * longer.
   */
  private long varint() {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos >= end) {
        return -1;
      }
      int b = data[pos++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value & 0xFFFFFFFFL;
      }
    }
    return -2;
  }
}
