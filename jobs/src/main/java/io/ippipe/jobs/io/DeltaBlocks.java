package io.ippipe.jobs.io;

import java.util.Arrays;
import java.util.Locale;
import org.apache.parquet.column.values.bitpacking.BytePackerForLong;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * A DELTA_BINARY_PACKED stream (integers, and the lengths inside the two byte-array deltas)
 * read as Spark's vectorized decoder reads it, for what its header makes the decoder allocate:
 * an int per miniblock and a long per value of a miniblock, from the stream's first bytes
 * (16 GiB from a 5-byte block size); and, when the values are a DELTA_BYTE_ARRAY's prefix
 * lengths, an array of each value's prefix, which needs the values decoded. Hand-written for
 * the same reason as {@link HybridRuns}: decoders trust these headers; parquet-mr's packer
 * unpacks the values when they are checked.
 */
final class DeltaBlocks {
  /**
   * The most values a block, or miniblocks a block, may state. The format asks for a multiple
   * of 128; parquet-mr and Arrow write 128, DuckDB 256 or (since 1.1) 2 048.
   */
  static final long MAX_BLOCK_VALUES = 1 << 16;

  private DeltaBlocks() {}

  /**
   * Why the decoder would over-allocate on the header of the stream at {@code in}'s position,
   * or null. Reads the header only.
   */
  static String header(String what, PageBytes in) throws PageBytes.Stop {
    return walk(what, in, -1, 0);
  }

  /**
   * As {@link #header}, then reads the stream's first {@code values} values (a page's values:
   * the decoder reads no more), each within {@code [0, maxValue]}; {@code in} is left at the
   * end of the stream.
   */
  static String values(String what, PageBytes in, long maxValue, long values)
      throws PageBytes.Stop {
    return walk(what, in, maxValue, values);
  }

  private static String walk(String what, PageBytes in, long maxValue, long values)
      throws PageBytes.Stop {
    // In the decoder's order: the block's values and miniblocks, its check of them, the
    // total, then both arrays allocated, then the first value.
    int blockValues = in.varInt();
    int miniblocks = in.varInt();
    double perMiniblock = (double) blockValues / miniblocks;
    if (perMiniblock % 8 != 0) {
      throw new PageBytes.Stop(); // the decoder refuses it (NaN for no miniblocks)
    }
    int total = in.varInt();
    if (miniblocks > MAX_BLOCK_VALUES || perMiniblock > MAX_BLOCK_VALUES) {
      return String.format(Locale.ROOT, "a page's %s state blocks of %,d values in %,d "
          + "miniblocks, more than %,d", what, blockValues, miniblocks, MAX_BLOCK_VALUES);
    }
    if (miniblocks < 0 || perMiniblock < 0) {
      throw new PageBytes.Stop(); // a negative array size: the decoder fails
    }
    long value = in.zigzagVarLong();
    if (maxValue < 0) {
      return null;
    }
    if (total > values || total < 0) {
      throw new PageBytes.Stop(); // more than the page's vector holds: the decoder fails
    }
    int size = (int) perMiniblock;
    long[] deltas = new long[size];
    long left = total - 1;
    if (total > 0 && (value < 0 || value > maxValue)) {
      return outOfRange(what, value, maxValue);
    }
    while (left > 0) {
      if (size == 0) {
        throw new PageBytes.Stop(); // blocks of no values: the decoder reads until it fails
      }
      long minDelta = in.zigzagVarLong();
      PageBytes widths = in.section(miniblocks);
      for (int m = 0; m < miniblocks && left > 0; m++) {
        int width = widths.read();
        if (width > 64) {
          throw new PageBytes.Stop();
        }
        PageBytes packed = in.section((long) width * size / 8);
        BytePackerForLong packer = Packer.LITTLE_ENDIAN.newBytePackerForLong(width);
        Arrays.fill(deltas, 0); // a packer of width 0 writes nothing
        for (int g = 0; g < size; g += 8) {
          packer.unpack8Values(packed.data, packed.position() + g / 8 * width, deltas, g);
        }
        for (int i = 0; i < size && i < left; i++) {
          value += minDelta + deltas[i];
          if (value < 0 || value > maxValue) {
            return outOfRange(what, value, maxValue);
          }
        }
        left -= size;
      }
    }
    return null;
  }

  private static String outOfRange(String what, long value, long maxValue) {
    return String.format(Locale.ROOT, "a page's %s state a value of %,d, outside 0-%,d", what,
        value, maxValue);
  }
}
