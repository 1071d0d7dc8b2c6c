package io.ippipe.jobs.io;

import java.io.IOException;
import java.util.Locale;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A data page laid out as Spark's vectorized reader reads it: its levels and its dictionary
 * ids or RLE booleans each walked by {@link HybridRuns} for as many values as the reader will
 * ask of them (the page's values of its levels, its non-null values of its ids or booleans),
 * and its delta-encoded values' headers by {@link DeltaBlocks}. A page that is wrong in any
 * other way (a length past its end, data that does not decompress) Spark's reader fails on by
 * itself, which the pass takes for the data's failure: the walk stops there
 * ({@link PageBytes.Stop}).
 */
final class PageRuns {
  /**
   * The most values a page of delta-encoded byte arrays may state: Spark's decoder sizes two
   * vectors by it (about 12 bytes a value) before it reads one, and a page of 2^31 empty
   * strings takes a few MB. parquet-mr cuts pages at 20 000 rows.
   */
  static final long MAX_DELTA_ARRAY_VALUES = 1 << 24;

  private PageRuns() {}

  /**
   * Whether the reader decodes anything of this page that a walk checks: levels, dictionary
   * ids, RLE booleans or deltas. A page of plain values of a required column is not read.
   */
  static boolean walked(ParquetPages.Chunk chunk, PageHeader h) {
    Encoding encoding = h.isSetData_page_header() ? h.getData_page_header().getEncoding()
        : h.isSetData_page_header_v2() ? h.getData_page_header_v2().getEncoding() : null;
    return encoding != null && (chunk.maxRepetition() > 0 || chunk.maxDefinition() > 0
        || encoding != Encoding.PLAIN);
  }

  /** Why Spark's reader would hang or over-allocate on this data page, or null. */
  static String check(ParquetPages.Chunk chunk, PageHeader h, byte[] stored,
      CodecFactory codecs) {
    try {
      if (h.isSetData_page_header()) {
        DataPageHeader v1 = h.getData_page_header();
        if (chunk.maxDefinition() > 0 && v1.getDefinition_level_encoding() != Encoding.RLE) {
          return null; // the reader supports no other, and fails
        }
        PageBytes page = decompress(chunk, codecs, stored, 0, h.getUncompressed_page_size());
        long[] nonNull = new long[1];
        String why = levels(chunk, page, v1.getNum_values(), -1, -1, nonNull);
        return why != null ? why
            : values(chunk, v1.getEncoding(), page, v1.getNum_values(), nonNull[0]);
      }
      if (h.isSetData_page_header_v2()) {
        DataPageHeaderV2 v2 = h.getData_page_header_v2();
        if (v2.getRepetition_levels_byte_length() < 0
            || v2.getDefinition_levels_byte_length() < 0) {
          return null; // the reader fails
        }
        PageBytes page = new PageBytes(stored, 0, stored.length);
        long[] nonNull = new long[1];
        String why = levels(chunk, page, v2.getNum_values(),
            v2.getRepetition_levels_byte_length(), v2.getDefinition_levels_byte_length(),
            nonNull);
        if (why != null) {
          return why;
        }
        int at = page.position();
        PageBytes values = v2.isIs_compressed()
            ? decompress(chunk, codecs, stored, at, h.getUncompressed_page_size() - at)
            : page;
        return values(chunk, v2.getEncoding(), values, v2.getNum_values(), nonNull[0]);
      }
      return null;
    } catch (PageBytes.Stop | IOException e) {
      return null;
    } catch (RuntimeException e) {
      // A codec's failure on corrupt data, or a case the walk does not know: the reader is
      // left to fail or succeed on the page as it would have without the walk.
      return null;
    }
  }

  /**
   * Walks the repetition and then the definition levels of {@code values} values, each of the
   * given length in bytes, or, if negative (format v1), of the length stored before it;
   * {@code nonNull[0]} gets the values not null.
   */
  private static String levels(ParquetPages.Chunk chunk, PageBytes page, long values,
      int repetitionBytes, int definitionBytes, long[] nonNull) throws PageBytes.Stop {
    nonNull[0] = values;
    if (chunk.maxRepetition() > 0) {
      HybridRuns.Walk walk = HybridRuns.check("repetition levels",
          section(page, repetitionBytes), BytesUtils.getWidthFromMaxInt(chunk.maxRepetition()),
          values, -1);
      if (walk.why() != null) {
        return walk.why();
      }
    } else if (repetitionBytes > 0) {
      page.skip(repetitionBytes);
    }
    if (chunk.maxDefinition() > 0) {
      HybridRuns.Walk walk = HybridRuns.check("definition levels",
          section(page, definitionBytes), BytesUtils.getWidthFromMaxInt(chunk.maxDefinition()),
          values, chunk.maxDefinition());
      nonNull[0] = walk.matching();
      return walk.why();
    }
    if (definitionBytes > 0) {
      page.skip(definitionBytes);
    }
    return null;
  }

  /** The next {@code bytes}, or if negative the bytes a 4-byte length before them states. */
  private static PageBytes section(PageBytes page, int bytes) throws PageBytes.Stop {
    return page.section(bytes >= 0 ? bytes : page.intLittleEndian());
  }

  /**
   * Walks the values of a page of {@code values} values, {@code nonNull} of them not null: the
   * ids of a dictionary-encoded page, RLE booleans, or the headers (and prefix lengths) of the
   * delta encodings.
   */
  private static String values(ParquetPages.Chunk chunk, Encoding encoding, PageBytes page,
      long values, long nonNull) throws PageBytes.Stop {
    switch (encoding) {
      case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
        if (page.remaining() <= 0) {
          return null; // no width: the reader takes every id as 0
        }
        int bitWidth = page.read();
        if (bitWidth == 0 || bitWidth > 32) {
          return null; // every id 0, or a width the reader refuses
        }
        return HybridRuns.check("dictionary ids", page, bitWidth, nonNull, -1).why();
      }
      case RLE -> {
        return chunk.type().equals("BOOLEAN")
            ? HybridRuns.check("booleans", section(page, -1), 1, nonNull, -1).why() : null;
      }
      case DELTA_BINARY_PACKED -> {
        return DeltaBlocks.header("delta-encoded values", page);
      }
      case DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -> {
        if (values > MAX_DELTA_ARRAY_VALUES) {
          return String.format(Locale.ROOT, "a page of delta-encoded byte arrays states %,d "
              + "values, more than %,d", values, MAX_DELTA_ARRAY_VALUES);
        }
        if (encoding == Encoding.DELTA_BYTE_ARRAY) {
          // A value's shared prefix is at most the column's bytes: Spark allocates it per value.
          String why = DeltaBlocks.values("prefix lengths", page, chunk.uncompressed(), values);
          if (why != null) {
            return why;
          }
        }
        return DeltaBlocks.header("delta-encoded lengths", page);
      }
      default -> {
        return null;
      }
    }
  }

  private static PageBytes decompress(ParquetPages.Chunk chunk, CodecFactory codecs,
      byte[] stored, int from, int uncompressed) throws IOException {
    if (!chunk.compressed()) {
      return new PageBytes(stored, from, stored.length);
    }
    byte[] page = codecs.getDecompressor(CompressionCodecName.valueOf(chunk.codec()))
        .decompress(BytesInput.from(stored, from, stored.length - from), uncompressed)
        .toByteArray();
    return new PageBytes(page, 0, page.length);
  }
}
