package io.ippipe.common.crypto;

/**
 * The loop ipcrypt-pfx and Crypto-PAn share. The address is a 128-bit word W; step t decides
 * whether to flip bit {@code 127 - t} from a PRF of a block that depends only on the top t
 * bits of the plaintext. Subclasses say how a block is built and which PRF bit is the flip.
 *
 * <p>Speed (see docs/performance.md): encryption knows every plaintext bit up front, so all of
 * an address's blocks go through AES in one call instead of one call per bit; and the flips of
 * the first 24 (IPv4) or 64 (IPv6) steps are cached per prefix. Decryption must recover bits
 * one at a time, so only its prefix part is cached.
 */
abstract class BitwisePrefixCipher implements IpCipher {
  /** Steps whose flips are cached: an IPv4 /24, an IPv6 /64. */
  static final int V4_CACHED_STEPS = 24;
  static final int V6_CACHED_STEPS = 64;

  private final byte[] blocks = new byte[128 * 16];
  private final boolean batched;
  private final int cacheEntries;
  private final long[] cached = new long[2];
  private LongPairCache v4Encrypt;
  private LongPairCache v6Encrypt;
  private LongPairCache v4Decrypt;
  private LongPairCache v6Decrypt;
  private long stepFlipsHi;
  private long stepFlipsLo;
  private long resultHi;
  private long resultLo;

  /**
   * @param batched all blocks of an address in one AES call; false makes one call per step,
   *     the textbook form, kept only as the benchmark baseline
   * @param cacheEntries prefix cache slots per family and direction; 0 turns caching off
   */
  BitwisePrefixCipher(boolean batched, int cacheEntries) {
    this.batched = batched;
    this.cacheEntries = cacheEntries;
  }

  /** Writes the PRF input of step t for the plaintext word (wHi, wLo) at buf[off..off+16). */
  abstract void writeBlock(long wHi, long wLo, int t, byte[] buf, int off);

  /** Runs the PRF over {@code count} blocks of {@code in}; results are read by {@link #flip}. */
  abstract void prf(byte[] in, int count);

  /** The flip bit of the i-th block of the last {@link #prf} call. */
  abstract boolean flip(int i);

  /** Encrypts the word over steps [first, last); the result is in {@link #resultHi()}/Lo. */
  final void encryptWord(long wHi, long wLo, int first, int last, boolean v4) {
    long fh = 0;
    long fl = 0;
    int t = first;
    LongPairCache cache = cache(v4, true);
    if (cache != null) {
      int steps = v4 ? V4_CACHED_STEPS : V6_CACHED_STEPS;
      long key = prefixKey(wHi, wLo, first, steps);
      if (cache.get(0, key, cached)) {
        fh = cached[0];
        fl = cached[1];
      } else {
        computeFlips(wHi, wLo, first, first + steps);
        fh = stepFlipsHi;
        fl = stepFlipsLo;
        cache.put(0, key, fh, fl);
      }
      t = first + steps;
    }
    computeFlips(wHi, wLo, t, last);
    resultHi = wHi ^ fh ^ stepFlipsHi;
    resultLo = wLo ^ fl ^ stepFlipsLo;
  }

  /** Decrypts the word over steps [first, last), recovering plaintext bits in order. */
  final void decryptWord(long cHi, long cLo, int first, int last, boolean v4) {
    long pHi = cHi;
    long pLo = cLo;
    int t = first;
    LongPairCache cache = cache(v4, false);
    long key = 0;
    int steps = v4 ? V4_CACHED_STEPS : V6_CACHED_STEPS;
    if (cache != null) {
      // Prefix-preserving: the ciphertext prefix determines the plaintext prefix.
      key = prefixKey(cHi, cLo, first, steps);
      if (cache.get(0, key, cached)) {
        pHi ^= cached[0];
        pLo ^= cached[1];
        t = first + steps;
      }
    }
    for (; t < last; t++) {
      writeBlock(pHi, pLo, t, blocks, 0);
      prf(blocks, 1);
      if (flip(0)) {
        int pos = 127 - t;
        if (pos >= 64) {
          pHi ^= 1L << (pos - 64);
        } else {
          pLo ^= 1L << pos;
        }
      }
      if (cache != null && t == first + steps - 1) {
        cache.put(0, key, pHi ^ cHi, pLo ^ cLo);
      }
    }
    resultHi = pHi;
    resultLo = pLo;
  }

  final long resultHi() {
    return resultHi;
  }

  final long resultLo() {
    return resultLo;
  }

  /** Sets stepFlipsHi/Lo to the flips of steps [from, to) of plaintext word w. */
  private void computeFlips(long wHi, long wLo, int from, int to) {
    long fh = 0;
    long fl = 0;
    int chunk = batched ? to - from : 1;
    for (int start = from; start < to; start += chunk) {
      int count = Math.min(chunk, to - start);
      for (int i = 0; i < count; i++) {
        writeBlock(wHi, wLo, start + i, blocks, 16 * i);
      }
      prf(blocks, count);
      for (int i = 0; i < count; i++) {
        if (flip(i)) {
          int pos = 127 - (start + i);
          if (pos >= 64) {
            fh |= 1L << (pos - 64);
          } else {
            fl |= 1L << pos;
          }
        }
      }
    }
    stepFlipsHi = fh;
    stepFlipsLo = fl;
  }

  /** The bits processed by steps [first, first + steps): they key the prefix cache. */
  private static long prefixKey(long hi, long lo, int first, int steps) {
    int shift = 128 - first - steps;
    long v = Bits128.shrLo(hi, lo, shift);
    return steps == 64 ? v : v & ((1L << steps) - 1);
  }

  private LongPairCache cache(boolean v4, boolean encrypt) {
    if (cacheEntries == 0) {
      return null;
    }
    if (encrypt) {
      if (v4) {
        return v4Encrypt != null ? v4Encrypt : (v4Encrypt = new LongPairCache(cacheEntries));
      }
      return v6Encrypt != null ? v6Encrypt : (v6Encrypt = new LongPairCache(cacheEntries));
    }
    if (v4) {
      return v4Decrypt != null ? v4Decrypt : (v4Decrypt = new LongPairCache(cacheEntries));
    }
    return v6Decrypt != null ? v6Decrypt : (v6Decrypt = new LongPairCache(cacheEntries));
  }
}
