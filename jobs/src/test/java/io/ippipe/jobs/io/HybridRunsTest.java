package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  private static HybridRuns.Walk check(byte[] runs, int bitWidth, long want, int match)
      throws PageBytes.Stop {
    return HybridRuns.check("definition levels", new PageBytes(runs, 0, runs.length), bitWidth,
        want, match);
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
    HybridRuns.Walk all = check(encode(1, levels), 1, levels.length, 1);
    assertNull(all.why());
    assertEquals(nonNull, all.matching());
    // Only the values the reader asks for are counted.
    int first350 = 0;
    for (int i = 0; i < 350; i++) {
      first350 += levels[i];
    }
    assertEquals(first350, check(encode(1, levels), 1, 350, 1).matching());
  }

  @Test
  void runsWiderThanOneBitAreCounted() throws Exception {
    int[] levels = new int[100];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = i % 4;
    }
    HybridRuns.Walk walk = check(encode(2, levels), 2, levels.length, 3);
    assertNull(walk.why());
    assertEquals(25, walk.matching());
  }

  @Test
  void runsThatEndBeforeThePageDoesAreNamed() throws Exception {
    byte[] runs = encode(1, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    assertEquals("a page's definition levels hold 10 of its 11 values",
        check(runs, 1, 11, 1).why());
    assertEquals("a page's definition levels hold 0 of its 5 values",
        check(new byte[0], 1, 5, 1).why());
    // A run of no values, as a flipped byte makes of a header, holds nothing either.
    assertEquals("a page's definition levels hold 0 of its 5 values",
        check(new byte[] {0, 1, 0, 1}, 1, 5, 1).why());
  }

  @Test
  void aPackedRunOfBillionsIsNamedBeforeAnythingIsAllocated() throws Exception {
    byte[] runs = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x55};
    assertEquals("a page's definition levels state a run of 2,147,483,640 values in "
        + "268,435,455 bytes, 1 left", check(runs, 1, 100, 1).why());
  }

  @Test
  void runsCutInsideAHeaderOrAGroupAreTheReadersFailureNotARefusal() {
    // The decoder throws there (its stream's EOFException): nothing hangs, nothing is refused.
    assertThrows(PageBytes.Stop.class, () -> check(new byte[] {(byte) 0x80}, 1, 5, 1));
    assertThrows(PageBytes.Stop.class, () -> check(new byte[] {0x10}, 1, 5, 1));
    // Older polars wrote a page's last bit-packed group short: 5 ids of 3 bits in 2 bytes.
    assertThrows(PageBytes.Stop.class, () -> check(new byte[] {0x03, 0x11, 0x22}, 3, 5, -1));
  }
}
