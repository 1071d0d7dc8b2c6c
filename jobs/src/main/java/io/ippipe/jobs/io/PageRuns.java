package io.ippipe.jobs.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A data page's runs (levels, dictionary ids, booleans) laid out as Spark's vectorized reader
 * reads them, each walked by {@link HybridRuns} for as many values as the reader will ask of
 * it: the page's values of its levels, its non-null values of its ids or booleans; and its
 * delta-encoded values' headers ({@link DeltaBlocks}). A page that
 * is wrong in any other way (a length past its end, data that does not decompress) Spark's
 * reader fails on by itself, which the pass takes for the data's failure; the walk stops there.
 */
final class PageRuns {
  /** The page is wrong in a way the reader fails on by itself; nothing to refuse. */
  private static final class Stop extends Exception {
    Stop() {
      super(null, null, false, false);
    }
  }

  private final byte[] data;
  private int pos;
  private final int end;
  private final long[] counted = new long[1];

  private PageRuns(byte[] data, int from, int to) {
    this.data = data;
    this.pos = from;
    this.end = to;
  }

  /** Why Spark's reader would hang or over-allocate on this data page's runs, or null. */
  static String check(ParquetPages.Chunk chunk, PageHeader h, byte[] stored,
      CodecFactory codecs) {
    try {
      if (h.isSetData_page_header()) {
        DataPageHeader v1 = h.getData_page_header();
        byte[] page = decompress(chunk, codecs, stored, 0, h.getUncompressed_page_size());
        PageRuns runs = new PageRuns(page, 0, page.length);
        String why = runs.levels(chunk, v1.getNum_values(), PREFIXED, PREFIXED);
        return why != null ? why
            : runs.values(chunk, v1.getEncoding(), v1.getNum_values(), runs.counted[0]);
      }
      if (h.isSetData_page_header_v2()) {
        DataPageHeaderV2 v2 = h.getData_page_header_v2();
        int repetition = v2.getRepetition_levels_byte_length();
        int definition = v2.getDefinition_levels_byte_length();
        if (repetition < 0 || definition < 0 || repetition + definition > stored.length) {
          return null;
        }
        PageRuns levels = new PageRuns(stored, 0, repetition + definition);
        String why = levels.levels(chunk, v2.getNum_values(), repetition, definition);
        if (why != null) {
          return why;
        }
        int at = repetition + definition;
        byte[] values = v2.isIs_compressed()
            ? decompress(chunk, codecs, stored, at, h.getUncompressed_page_size() - at)
            : Arrays.copyOfRange(stored, at, stored.length);
        return new PageRuns(values, 0, values.length)
            .values(chunk, v2.getEncoding(), v2.getNum_values(), levels.counted[0]);
      }
      return null;
    } catch (Stop | IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Walks the repetition and then the definition levels of {@code values} values, each of the
   * given length in bytes, or, if {@link #PREFIXED} (format v1), of the length stored before
   * it; {@code counted[0]} gets the non-null values.
   */
  private String levels(ParquetPages.Chunk chunk, long values, int repetitionBytes,
      int definitionBytes) throws Stop {
    if (chunk.maxRepetition() > 0) {
      String why = runs("repetition levels", sectionEnd(repetitionBytes),
          BytesUtils.getWidthFromMaxInt(chunk.maxRepetition()), values, -1);
      if (why != null) {
        return why;
      }
    } else {
      pos = repetitionBytes == PREFIXED ? pos : pos + repetitionBytes;
    }
    if (chunk.maxDefinition() > 0) {
      return runs("definition levels", sectionEnd(definitionBytes),
          BytesUtils.getWidthFromMaxInt(chunk.maxDefinition()), values, chunk.maxDefinition());
    }
    counted[0] = values;
    return null;
  }

  private static final int PREFIXED = -1;

  private int sectionEnd(int bytes) throws Stop {
    return bytes == PREFIXED ? prefixedEnd() : pos + bytes;
  }

  /**
   * The most values a page of delta-encoded byte arrays may state: Spark's decoder sizes two
   * vectors by it (about 12 bytes a value) before it reads one, and a page of 2^31 empty
   * strings takes a few MB. parquet-mr cuts pages at 20 000 rows.
   */
  static final long MAX_DELTA_ARRAY_VALUES = 1 << 24;

  /**
   * Walks the values of a page of {@code values} values, {@code nonNull} of them not null: the
   * ids of a dictionary-encoded page, RLE booleans, or the headers (and prefix lengths) of the
   * delta encodings.
   */
  private String values(ParquetPages.Chunk chunk, Encoding encoding, long values, long nonNull)
      throws Stop {
    if (encoding == Encoding.DELTA_BINARY_PACKED) {
      return DeltaBlocks.check("delta-encoded values", data, pos, end, -1).why();
    }
    if (encoding == Encoding.DELTA_LENGTH_BYTE_ARRAY || encoding == Encoding.DELTA_BYTE_ARRAY) {
      if (values > MAX_DELTA_ARRAY_VALUES) {
        return String.format(java.util.Locale.ROOT, "a page of delta-encoded byte arrays states "
            + "%,d values, more than %,d", values, MAX_DELTA_ARRAY_VALUES);
      }
      int lengths = pos;
      if (encoding == Encoding.DELTA_BYTE_ARRAY) {
        // A value's shared prefix is at most the column's bytes: Spark allocates it per value.
        DeltaBlocks.Walk prefixes = DeltaBlocks.check("prefix lengths", data, pos, end,
            chunk.uncompressed());
        if (prefixes.why() != null || prefixes.end() < 0) {
          return prefixes.why();
        }
        lengths = prefixes.end();
      }
      return DeltaBlocks.check("delta-encoded lengths", data, lengths, end, -1).why();
    }
    if (encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY) {
      if (pos >= end) {
        throw new Stop();
      }
      int bitWidth = data[pos++] & 0xFF;
      if (bitWidth == 0 || bitWidth > 32) {
        throw new Stop(); // all ids 0, or a width the reader refuses
      }
      return runs("dictionary ids", end, bitWidth, nonNull, -1);
    }
    if (encoding == Encoding.RLE && chunk.type().equals("BOOLEAN")) {
      return runs("booleans", prefixedEnd(), 1, nonNull, -1);
    }
    return null;
  }

  /** The end of the runs that start after a 4-byte little-endian length here. */
  private int prefixedEnd() throws Stop {
    if (end - pos < 4) {
      throw new Stop();
    }
    int length = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    pos += 4;
    if (length < 0 || length > end - pos) {
      throw new Stop();
    }
    return pos + length;
  }

  private String runs(String what, int to, int bitWidth, long want, int match) {
    String why = HybridRuns.check(what, data, pos, to, bitWidth, want, match, counted);
    pos = to;
    return why;
  }

  private static byte[] decompress(ParquetPages.Chunk chunk, CodecFactory codecs, byte[] stored,
      int from, int uncompressed) throws IOException {
    if (!chunk.compressed()) {
      return from == 0 ? stored : Arrays.copyOfRange(stored, from, stored.length);
    }
    return codecs.getDecompressor(CompressionCodecName.valueOf(chunk.codec()))
        .decompress(BytesInput.from(stored, from, stored.length - from), uncompressed)
        .toByteArray();
  }
}
