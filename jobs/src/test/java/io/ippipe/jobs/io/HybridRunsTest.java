package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import org.apache.parquet.bytes.DirectByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

class HybridRunsTest {
  /** Levels as parquet-mr's own encoder writes them (no length prefix). */
  private static byte[] encode(int bitWidth, int... values) throws Exception {
    RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth,
        64, 1024, new DirectByteBufferAllocator());
    for (int v : values) {
      encoder.writeInt(v);
    }
    return encoder.toBytes().toByteArray();
  }

  private static String check(byte[] runs, int bitWidth, long want, int match, long[] counted) {
    return HybridRuns.check("definition levels", runs, 0, runs.length, bitWidth, want, match,
        counted);
  }

  @Test
  void runsAsParquetWritesThemHoldTheirValuesAndCountTheMatchingOnes() throws Exception {
    int[] levels = new int[1000];
    int nonNull = 0;
    for (int i = 0; i < levels.length; i++) {
      // Long runs of one value (RLE) and stretches of alternation (bit-packed).
      levels[i] = i < 300 ? 1 : i < 700 ? (i * 7 % 3 == 0 ? 0 : 1) : (i < 900 ? 0 : 1);
      nonNull += levels[i];
    }
    long[] counted = new long[1];
    assertNull(check(encode(1, levels), 1, levels.length, 1, counted));
    assertEquals(nonNull, counted[0]);
    // Only the values the reader asks for are counted.
    assertNull(check(encode(1, levels), 1, 350, 1, counted));
    int first350 = 0;
    for (int i = 0; i < 350; i++) {
      first350 += levels[i];
    }
    assertEquals(first350, counted[0]);
  }

  @Test
  void runsWiderThanOneBitAreCounted() throws Exception {
    int[] levels = new int[100];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = i % 4;
    }
    long[] counted = new long[1];
    assertNull(check(encode(2, levels), 2, levels.length, 3, counted));
    assertEquals(25, counted[0]);
  }

  @Test
  void runsThatEndBeforeThePageDoesAreNamed() throws Exception {
    long[] counted = new long[1];
    byte[] runs = encode(1, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    assertEquals("a page's definition levels hold 10 of its 11 values",
        check(runs, 1, 11, 1, counted));
    assertEquals("a page's definition levels hold 0 of its 5 values",
        check(new byte[0], 1, 5, 1, counted));
    // A run of no values, as a flipped byte makes of a header, holds nothing either.
    assertEquals("a page's definition levels hold 0 of its 5 values",
        check(new byte[] {0, 1, 0, 1}, 1, 5, 1, counted));
  }

  @Test
  void aPackedRunLargerThanItsBytesIsNamedBeforeAnythingIsAllocated() {
    long[] counted = new long[1];
    byte[] runs = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x55};
    assertEquals("a page's definition levels state a run of 2,147,483,640 values in "
        + "268,435,455 bytes, 1 left", check(runs, 1, 100, 1, counted));
  }

  @Test
  void aHeaderCutOrTooLongIsNamed() {
    long[] counted = new long[1];
    assertEquals("a page's definition levels end in a run's header",
        check(new byte[] {(byte) 0x80}, 1, 5, 1, counted));
    assertEquals("a page's definition levels hold a run's header longer than 5 bytes",
        check(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1},
            1, 5, 1, counted));
    assertEquals("a page's definition levels end in a run's value",
        check(new byte[] {0x10}, 1, 5, 1, counted));
  }
}
