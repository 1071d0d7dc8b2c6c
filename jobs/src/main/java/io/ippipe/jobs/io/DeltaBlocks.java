package io.ippipe.jobs.io;

import java.util.Locale;
import org.apache.parquet.column.values.bitpacking.BytePackerForLong;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * A DELTA_BINARY_PACKED stream (integers, and the lengths inside the two byte-array deltas)
 * walked block by block as Spark's vectorized decoder reads it, for what its headers make the
 * decoder allocate: a long per value of a miniblock and an int per miniblock of a block, both
 * from the stream's first bytes (16 GiB from a 5-byte block size), and, when the values are a
 * DELTA_BYTE_ARRAY's prefix lengths, an array of each value's prefix. Hand-written for the same
 * reason as {@link HybridRuns}: decoders trust these headers; parquet-mr's packer unpacks the
 * values when they are checked.
 */
final class DeltaBlocks {
  /**
   * The most values a block may state. The format asks for a multiple of 128; parquet-mr and
   * Arrow write 128, DuckDB 256 or (since 1.1) 2 048.
   */
  static final long MAX_BLOCK_VALUES = 1 << 16;

  /** Why a decoder would over-allocate on the stream, or null; else where it ends (-1: unknown). */
  record Walk(String why, int end) {}

  private final byte[] data;
  private final int to;
  private int pos;

  private DeltaBlocks(byte[] data, int from, int to) {
    this.data = data;
    this.pos = from;
    this.to = to;
  }

  /**
   * Walks the stream at {@code data[from, to)}, each value within {@code [0, maxValue]} unless
   * {@code maxValue} is negative. A stream wrong in a way the decoder fails on by itself (cut
   * short, a width past 64, a block not in whole miniblocks of 8) ends the walk, its end unknown.
   */
  static Walk check(String what, byte[] data, int from, int to, long maxValue) {
    return new DeltaBlocks(data, from, to).walk(what, maxValue);
  }

  private Walk walk(String what, long maxValue) {
    long blockValues = varint();
    long miniblocks = varint();
    long total = varint();
    long value = zigzag();
    if (total < 0 || value == Long.MIN_VALUE) {
      return new Walk(null, -1);
    }
    if (blockValues > MAX_BLOCK_VALUES) {
      return new Walk(String.format(Locale.ROOT, "a page's %s state blocks of %,d values, more "
          + "than %,d", what, blockValues, MAX_BLOCK_VALUES), -1);
    }
    if (blockValues <= 0 || miniblocks <= 0 || blockValues % miniblocks != 0
        || blockValues / miniblocks % 8 != 0) {
      return new Walk(null, -1);
    }
    int perMiniblock = (int) (blockValues / miniblocks);
    long[] deltas = new long[perMiniblock];
    long left = total - 1;
    if (total > 0 && maxValue >= 0 && (value < 0 || value > maxValue)) {
      return new Walk(outOfRange(what, value, maxValue), -1);
    }
    while (left > 0) {
      long minDelta = zigzag();
      if (minDelta == Long.MIN_VALUE || to - pos < miniblocks) {
        return new Walk(null, -1);
      }
      int widths = pos;
      pos += (int) miniblocks;
      for (int m = 0; m < miniblocks && left > 0; m++) {
        int width = data[widths + m] & 0xFF;
        long bytes = (long) width * perMiniblock / 8;
        if (width > 64 || bytes > to - pos) {
          return new Walk(null, -1);
        }
        if (maxValue >= 0) {
          BytePackerForLong packer = Packer.LITTLE_ENDIAN.newBytePackerForLong(width);
          java.util.Arrays.fill(deltas, 0); // a packer of width 0 writes nothing
          for (int g = 0; g < perMiniblock; g += 8) {
            packer.unpack8Values(data, pos + g / 8 * width, deltas, g);
          }
          for (int i = 0; i < perMiniblock && i < left; i++) {
            value += minDelta + deltas[i];
            if (value < 0 || value > maxValue) {
              return new Walk(outOfRange(what, value, maxValue), -1);
            }
          }
        }
        pos += (int) bytes;
        left -= perMiniblock;
      }
    }
    return new Walk(null, pos);
  }

  private static String outOfRange(String what, long value, long maxValue) {
    return String.format(Locale.ROOT, "a page's %s state a value of %,d, outside 0-%,d", what,
        value, maxValue);
  }

  /** The next unsigned varint of at most 32 bits, or -1 if the stream ends or it is longer. */
  private long varint() {
    long value = 0;
    for (int shift = 0; shift < 35 && pos < to; shift += 7) {
      int b = data[pos++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value & 0xFFFFFFFFL;
      }
    }
    return -1;
  }

  /** The next zigzag varint of 64 bits, or Long.MIN_VALUE if the stream ends or it is longer. */
  private long zigzag() {
    long raw = 0;
    for (int shift = 0; shift < 70 && pos < to; shift += 7) {
      int b = data[pos++] & 0xFF;
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    return Long.MIN_VALUE;
  }
}
