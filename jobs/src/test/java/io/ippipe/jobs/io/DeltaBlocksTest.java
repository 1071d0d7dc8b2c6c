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

  private static PageBytes bytes(byte[] b) {
    return new PageBytes(b, 0, b.length);
  }

  @Test
  void aStreamAsParquetWritesItIsReadToItsEndWithinItsBound() throws Exception {
    long[] values = new long[1000];
    long largest = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = 1764064800L + i * (i % 7);
      largest = Math.max(largest, values[i]);
    }
    for (int block : new int[] {128, 2048}) {
      byte[] stream = longs(block, 4, values);
      assertNull(DeltaBlocks.header("values", bytes(stream)));
      PageBytes in = bytes(stream);
      assertNull(DeltaBlocks.values("values", in, largest, values.length));
      assertEquals(0, in.remaining(), "block " + block);
      assertEquals("a page's values state a value of 1,764,070,758, outside 0-1,764,070,757",
          DeltaBlocks.values("values", bytes(stream), largest - 1, values.length));
    }
  }

  @Test
  void headersThatMakeTheDecoderAllocateGigabytesAreNamed() throws Exception {
    // 2^31 - 32 values a block, 4 miniblocks, 10 values, first value 0.
    assertEquals("a page's values state blocks of 2,147,483,616 values in 4 miniblocks, more "
        + "than 65,536", DeltaBlocks.header("values", bytes(new byte[] {(byte) 0xE0,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 4, 10, 0})));
    // The decoder allocates before it reads the first value: a stream cut there is no excuse.
    assertEquals("a page's values state blocks of 2,147,483,640 values in 1 miniblocks, more "
        + "than 65,536", DeltaBlocks.header("values", bytes(new byte[] {(byte) 0xF8,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 1})));
    // Blocks of no values in 2^31 - 16 miniblocks pass the decoder's own check (0 % 8 == 0).
    assertEquals("a page's values state blocks of 0 values in 2,147,483,632 miniblocks, more "
        + "than 65,536", DeltaBlocks.header("values", bytes(new byte[] {0, (byte) 0xF0,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 0})));
    // A varint longer than 5 bytes: the decoder's shift wraps, and 7 << 28 is its block size.
    assertEquals("a page's values state blocks of 1,879,048,192 values in 1 miniblocks, more "
        + "than 65,536", DeltaBlocks.header("values", bytes(new byte[] {(byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x87, 0, 1, 1, 0})));
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
    PageBytes in = bytes(page);
    assertNull(DeltaBlocks.values("prefix lengths", in, 64, values.length));
    assertNull(DeltaBlocks.values("lengths", in, 64, values.length));
    // The suffixes' bytes follow their lengths: 7+1+3+7+2 of them.
    assertEquals(20, in.remaining());
    // A miniblock of width 0 after one of another width adds nothing (a packer of width 0 writes
    // no values): 350 values of one address share all 7 bytes but the first.
    DeltaByteArrayWriter same = new DeltaByteArrayWriter(64, 1 << 16,
        new HeapByteBufferAllocator());
    for (int i = 0; i < 350; i++) {
      same.writeBytes(Binary.fromString("9.9.9.9"));
    }
    assertNull(DeltaBlocks.values("prefix lengths", bytes(same.getBytes().toByteArray()), 7,
        350));
    // "8.8.8.9" shares 6 bytes with the value before it.
    assertEquals("a page's prefix lengths state a value of 6, outside 0-5",
        DeltaBlocks.values("prefix lengths", bytes(page), 5, values.length));
  }
}
