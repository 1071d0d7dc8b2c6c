package io.ippipe.jobs.io;

/**
 * A section of a decompressed Parquet page, read as Spark's decoders read it: varints as
 * parquet's {@code BytesUtils} reads them (an int, 7 bits a byte, no limit on their length, the
 * shift past 32 bits wrapping), and every read past the end a failure, as their stream's
 * EOFException is.
 */
final class PageBytes {
  /**
   * The page is wrong in a way Spark's reader fails on by itself (it throws, which the pass
   * takes for the data's failure): nothing to refuse, and the walk stops.
   */
  static final class Stop extends Exception {
    Stop() {
      super(null, null, false, false);
    }
  }

  final byte[] data;
  private final int end;
  private int pos;

  PageBytes(byte[] data, int from, int to) {
    this.data = data;
    this.pos = from;
    this.end = to;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  int read() throws Stop {
    if (pos >= end) {
      throw new Stop();
    }
    return data[pos++] & 0xFF;
  }

  /** Skips {@code n} bytes, all of which must be there. */
  void skip(long n) throws Stop {
    if (n < 0 || n > end - pos) {
      throw new Stop();
    }
    pos += (int) n;
  }

  /** The next {@code length} bytes as a section of their own. */
  PageBytes section(long length) throws Stop {
    int from = pos;
    skip(length);
    return new PageBytes(data, from, pos);
  }

  /** parquet's {@code readUnsignedVarInt}. */
  int varInt() throws Stop {
    int value = 0;
    int shift = 0;
    int b;
    while (((b = read()) & 0x80) != 0) {
      value |= (b & 0x7F) << shift;
      shift += 7;
    }
    return value | (b << shift);
  }

  /** parquet's {@code readZigZagVarLong}. */
  long zigzagVarLong() throws Stop {
    long raw = 0;
    int shift = 0;
    int b;
    while (((b = read()) & 0x80) != 0) {
      raw |= (long) (b & 0x7F) << shift;
      shift += 7;
    }
    raw |= (long) b << shift;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** A 4-byte little-endian int. */
  int intLittleEndian() throws Stop {
    return read() | read() << 8 | read() << 16 | read() << 24;
  }
}
