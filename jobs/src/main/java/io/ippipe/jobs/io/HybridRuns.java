package io.ippipe.jobs.io;

import java.util.Locale;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * Parquet's RLE/bit-packed hybrid runs (a page's repetition and definition levels, dictionary
 * ids, booleans) walked by their headers, as Spark's decoder will read them, to find the two
 * ways those headers defeat it. Runs that end before the page's values do: Spark's decoder then
 * waits for a next run for ever, making no progress, and its task never ends. A bit-packed run
 * stating far more values than its bytes hold: the decoder allocates an array of them (up to
 * 8 GiB) before it reads one. Hand-written because decoders (Spark's and parquet-mr's) trust the
 * same headers, and a walk by headers skips the packed bytes a decoder would unpack; parquet-mr's
 * packer unpacks only the levels counted.
 */
final class HybridRuns {
  /**
   * The most values a bit-packed run short of its bytes may state: Spark's decoder allocates
   * them before it finds the bytes missing (an int each). Below this the shortfall is only the
   * decoder's failure (older polars cut a page's last group short).
   */
  static final long MAX_SHORT_RUN_VALUES = 1 << 20;
  /**
   * The most values any bit-packed run may state: the decoder holds them as ints, 1 GiB at
   * this many, however many bytes the page has (2^31 values of 1 bit take 256 MiB). parquet-mr
   * and Arrow cut runs at 504 values.
   */
  static final long MAX_RUN_VALUES = ParquetPages.MAX_ROW_GROUP_BYTES / 4;

  /** What the runs hold: why a decoder would hang or over-allocate on them, or null. */
  record Walk(String why, long matching) {}

  private HybridRuns() {}

  /**
   * Walks {@code runs} of values {@code bitWidth} bits wide until they hold {@code want} values,
   * counting those equal to {@code match} (a negative {@code match} counts none).
   */
  static Walk check(String what, PageBytes runs, int bitWidth, long want, int match)
      throws PageBytes.Stop {
    BytePacker packer = match >= 0 ? Packer.LITTLE_ENDIAN.newBytePacker(bitWidth) : null;
    int byteWidth = (bitWidth + 7) / 8;
    int[] unpacked = new int[8];
    long held = 0;
    long matching = 0;
    while (held < want) {
      if (runs.remaining() <= 0) {
        // Where the decoder waits for ever: it asks for a next run only while bytes are left.
        return new Walk(String.format(Locale.ROOT, "a page's %s hold %,d of its %,d values",
            what, held, want), matching);
      }
      int header = runs.varInt();
      long count;
      if ((header & 1) == 0) {
        count = header >>> 1;
        int value = 0;
        for (int i = 0; i < byteWidth; i++) {
          value |= runs.read() << (8 * i);
        }
        if (value == match) {
          matching += Math.min(count, want - held);
        }
      } else {
        long groups = header >>> 1;
        count = groups * 8;
        long bytes = groups * bitWidth;
        if (count > MAX_RUN_VALUES
            || (bytes > runs.remaining() && count > MAX_SHORT_RUN_VALUES)) {
          return new Walk(String.format(Locale.ROOT, "a page's %s state a run of %,d values "
              + "in %,d bytes, %,d left", what, count, bytes, runs.remaining()), matching);
        }
        PageBytes packed = runs.section(bytes);
        if (packer != null) {
          for (long g = 0; g < groups && held + g * 8 < want; g++) {
            packer.unpack8Values(packed.data, packed.position() + (int) (g * bitWidth),
                unpacked, 0);
            for (int i = 0; i < 8 && held + g * 8 + i < want; i++) {
              matching += unpacked[i] == match ? 1 : 0;
            }
          }
        }
      }
      held += count;
    }
    return new Walk(null, matching);
  }
}
