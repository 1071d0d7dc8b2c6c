package io.ippipe.common.crypto;

/**
 * A direct-mapped cache from a 128-bit key to a 128-bit value, in primitive arrays only: no
 * allocation per lookup, and no object references for G1 write barriers to track (storing fresh
 * objects in a long-lived array made a miss-heavy stream 5x slower). A collision replaces the
 * older entry. Used for prefix-preserving flips per prefix and for whole results.
 */
final class LongPairCache {
  private final long[] keysHi;
  private final long[] keysLo;
  private final long[] valuesHi;
  private final long[] valuesLo;
  private final boolean[] used;
  private final int mask;

  LongPairCache(int entries) {
    int size = Integer.highestOneBit(Math.max(2, entries));
    keysHi = new long[size];
    keysLo = new long[size];
    valuesHi = new long[size];
    valuesLo = new long[size];
    used = new boolean[size];
    mask = size - 1;
  }

  private int slot(long keyHi, long keyLo) {
    long h = (keyHi * 0xC2B2AE3D27D4EB4FL) ^ (keyLo * 0x9E3779B97F4A7C15L);
    return (int) (h >>> 40) & mask;
  }

  /** True and the value in out[0..1] when cached. */
  boolean get(long keyHi, long keyLo, long[] out) {
    int i = slot(keyHi, keyLo);
    if (used[i] && keysHi[i] == keyHi && keysLo[i] == keyLo) {
      out[0] = valuesHi[i];
      out[1] = valuesLo[i];
      return true;
    }
    return false;
  }

  void put(long keyHi, long keyLo, long valueHi, long valueLo) {
    int i = slot(keyHi, keyLo);
    keysHi[i] = keyHi;
    keysLo[i] = keyLo;
    valuesHi[i] = valueHi;
    valuesLo[i] = valueLo;
    used[i] = true;
  }
}
