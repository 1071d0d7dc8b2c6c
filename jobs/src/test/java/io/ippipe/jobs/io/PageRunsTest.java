package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.DirectByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Data pages laid out as parquet-mr lays them, compressed, their runs checked as Spark reads. */
class PageRunsTest {
  private static final CodecFactory CODECS = new CodecFactory(new Configuration(), 0);

  @AfterAll
  static void release() {
    CODECS.release();
  }

  /** An optional column's chunk (definition levels of 1 bit), compressed with {@code codec}. */
  private static ParquetPages.Chunk chunk(CompressionCodecName codec) {
    return new ParquetPages.Chunk(0, "proxy_ip", 4, 1 << 20, 1 << 20, codec.name(), "BINARY", 0,
        0, 1);
  }

  /** {@code n} values of {@code value}, {@code bitWidth} wide, as parquet-mr encodes them. */
  private static byte[] runs(int bitWidth, int n, java.util.function.IntUnaryOperator value)
      throws Exception {
    RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth,
        64, 1 << 16, new DirectByteBufferAllocator());
    for (int i = 0; i < n; i++) {
      encoder.writeInt(value.applyAsInt(i));
    }
    return encoder.toBytes().toByteArray();
  }

  private static byte[] prefixed(byte[] runs) {
    return ByteBuffer.allocate(4 + runs.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(runs.length).put(runs).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] compress(CompressionCodecName codec, byte[] bytes) throws Exception {
    return CODECS.getCompressor(codec).compress(BytesInput.from(bytes)).toByteArray();
  }

  /**
   * A v1 page of {@code values} values, every tenth null, its ids {@code ids} long (a
   * dictionary of two entries).
   */
  private static String v1(CompressionCodecName codec, int values, int ids) throws Exception {
    byte[] page = concat(prefixed(runs(1, values, i -> i % 10 == 0 ? 0 : 1)), new byte[] {1},
        runs(1, ids, i -> i % 2));
    byte[] stored = compress(codec, page);
    PageHeader h = new PageHeader(PageType.DATA_PAGE, page.length, stored.length);
    h.setData_page_header(new DataPageHeader(values, Encoding.RLE_DICTIONARY, Encoding.RLE,
        Encoding.RLE));
    return PageRuns.check(chunk(codec), h, stored, CODECS);
  }

  @Test
  void aV1PageIsWalkedAfterItIsDecompressed() throws Exception {
    for (CompressionCodecName codec : new CompressionCodecName[] {CompressionCodecName.SNAPPY,
        CompressionCodecName.GZIP, CompressionCodecName.ZSTD}) {
      assertNull(v1(codec, 1000, 900), codec.name());
      // 100 of the 1 000 values are null: 900 ids are needed, not 1 000.
      assertEquals("a page's dictionary ids hold 896 of its 900 values", v1(codec, 1000, 890),
          codec.name());
    }
  }

  @Test
  void aV2PagesLevelsAreReadUncompressedBeforeItsValues() throws Exception {
    CompressionCodecName codec = CompressionCodecName.ZSTD;
    byte[] levels = runs(1, 1000, i -> i % 10 == 0 ? 0 : 1);
    byte[] values = compress(codec, concat(new byte[] {1}, runs(1, 900, i -> i % 2)));
    byte[] stored = concat(levels, values);
    PageHeader h = new PageHeader(PageType.DATA_PAGE_V2, levels.length + 1 + 900 / 8 + 1,
        stored.length);
    h.setData_page_header_v2(new DataPageHeaderV2(1000, 100, 1000, Encoding.RLE_DICTIONARY,
        levels.length, 0));
    h.setUncompressed_page_size(levels.length + concat(new byte[] {1},
        runs(1, 900, i -> i % 2)).length);
    assertNull(PageRuns.check(chunk(codec), h, stored, CODECS));
    h.getData_page_header_v2().setNum_values(1100);
    assertEquals("a page's definition levels hold 1,000 of its 1,100 values",
        PageRuns.check(chunk(codec), h, stored, CODECS));
  }
}
