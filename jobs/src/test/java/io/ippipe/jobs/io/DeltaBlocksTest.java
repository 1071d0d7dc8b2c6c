package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.deltastrings.DeltaByteArrayWriter;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

class DeltaBlocksTest {
  private static byte[] longs(int blockValues, int miniblocks, long... values) throws Exception {
    DeltaBinaryPackingValuesWriterForLong w = new DeltaBinaryPackingValuesWriterForLong(
        blockValues, miniblocks, 64, 1 << 16, new HeapByteBufferAllocator());
    for (long v : values) {
      w.writeLong(v);
    }
    return w.getBytes().toByteArray();
  }

  @Test
  void aStreamAsParquetWritesItEndsWhereItsBytesDo() throws Exception {
    long[] values = new long[1000];
    long largest = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = 1764064800L + i * (i % 7);
      largest = Math.max(largest, values[i]);
    }
    for (int block : new int[] {128, 2048}) {
      byte[] stream = longs(block, 4, values);
      DeltaBlocks.Walk walk = DeltaBlocks.check("values", stream, 0, stream.length, -1);
      assertNull(walk.why());
      assertEquals(stream.length, walk.end(), "block " + block);
      // Checked against a bound, the values are decoded: all lie within their largest.
      assertNull(DeltaBlocks.check("values", stream, 0, stream.length, largest).why());
      assertEquals("a page's values state a value of 1,764,070,758, outside 0-1,764,070,757",
          DeltaBlocks.check("values", stream, 0, stream.length, largest - 1).why());
    }
  }

  @Test
  void aBlockLargerThanAnyWriterWritesIsNamed() {
    // 2^31 - 32 values a block, 4 miniblocks, 10 values, first value 0.
    byte[] stream = {(byte) 0xE0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 4, 10, 0};
    assertEquals("a page's values state blocks of 2,147,483,616 values, more than 65,536",
        DeltaBlocks.check("values", stream, 0, stream.length, -1).why());
  }

  @Test
  void theSuffixLengthsOfADeltaByteArrayStartWhereItsPrefixLengthsEnd() throws Exception {
    DeltaByteArrayWriter w = new DeltaByteArrayWriter(64, 1 << 16,
        new HeapByteBufferAllocator());
    String[] values = {"8.8.8.8", "8.8.8.9", "8.8.4.4", "9.9.9.9", "9.9.9.10"};
    for (String v : values) {
      w.writeBytes(Binary.fromString(v));
    }
    byte[] page = w.getBytes().toByteArray();
    DeltaBlocks.Walk prefixes = DeltaBlocks.check("prefix lengths", page, 0, page.length, 64);
    assertNull(prefixes.why());
    DeltaBlocks.Walk suffixes = DeltaBlocks.check("lengths", page, prefixes.end(), page.length,
        64);
    assertNull(suffixes.why());
    // The suffixes' bytes follow their lengths: 7+1+3+7+2 of them.
    assertEquals(page.length - 20, suffixes.end());
    // A miniblock of width 0 after one of another width adds nothing (a packer of width 0 writes
    // no values): 350 values of one address share all 7 bytes but the first.
    DeltaByteArrayWriter same = new DeltaByteArrayWriter(64, 1 << 16,
        new HeapByteBufferAllocator());
    for (int i = 0; i < 350; i++) {
      same.writeBytes(Binary.fromString("9.9.9.9"));
    }
    byte[] samePage = same.getBytes().toByteArray();
    assertNull(DeltaBlocks.check("prefix lengths", samePage, 0, samePage.length, 7).why());
    // "8.8.8.9" shares 6 bytes with the value before it.
    assertEquals("a page's prefix lengths state a value of 6, outside 0-5",
        DeltaBlocks.check("prefix lengths", page, 0, page.length, 5).why());
  }
}
