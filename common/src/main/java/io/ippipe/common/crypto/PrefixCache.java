package io.ippipe.common.crypto;

/**
 * A direct-mapped cache from an address prefix to the flip bits a prefix-preserving cipher
 * computed for it. Proxy logs have strong prefix locality (a /24 or /64 carries many requests),
 * so most addresses skip the prefix's AES calls. Fixed arrays, no allocation per lookup; a
 * collision simply replaces the older entry.
 */
final class PrefixCache {
  private final long[] keys;
  private final long[] flipsHi;
  private final long[] flipsLo;
  private final boolean[] used;
  private final int mask;
  long hits;
  long misses;

  PrefixCache(int entries) {
    int size = Integer.highestOneBit(Math.max(2, entries));
    keys = new long[size];
    flipsHi = new long[size];
    flipsLo = new long[size];
    used = new boolean[size];
    mask = size - 1;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /** True and the flips in out[0..1] when cached. */
  boolean get(long key, long[] out) {
    int i = slot(key);
    if (used[i] && keys[i] == key) {
      out[0] = flipsHi[i];
      out[1] = flipsLo[i];
      hits++;
      return true;
    }
    misses++;
    return false;
  }

  void put(long key, long hi, long lo) {
    int i = slot(key);
    keys[i] = key;
    flipsHi[i] = hi;
    flipsLo[i] = lo;
    used[i] = true;
  }
}
