package io.ippipe.common.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** 128-bit values as (hi, lo) longs, and their network-order bytes. */
final class Bits128 {
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Bits128() {}

  static long hi(byte[] b, int off) {
    return (long) LONG_BE.get(b, off);
  }

  static long lo(byte[] b, int off) {
    return (long) LONG_BE.get(b, off + 8);
  }

  static void put(byte[] b, int off, long hi, long lo) {
    LONG_BE.set(b, off, hi);
    LONG_BE.set(b, off + 8, lo);
  }

  /** High word of (hi, lo) >>> n, for 0 <= n <= 128. */
  static long shrHi(long hi, int n) {
    return n >= 64 ? 0 : hi >>> n;
  }

  /** Low word of (hi, lo) >>> n, for 0 <= n <= 128. */
  static long shrLo(long hi, long lo, int n) {
    if (n == 0) {
      return lo;
    }
    if (n < 64) {
      return (lo >>> n) | (hi << (64 - n));
    }
    return n >= 128 ? 0 : hi >>> (n - 64);
  }

  /** A mask of the top n bits of 64 (n in 0..64). */
  static long topMask(int n) {
    return n == 0 ? 0 : -1L << (64 - n);
  }

  static boolean isV4Mapped(long hi, long lo) {
    return hi == 0 && (lo >>> 32) == 0xffffL;
  }
}
