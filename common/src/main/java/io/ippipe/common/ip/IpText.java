package io.ippipe.common.ip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Canonical text and binary forms of 128-bit addresses. */
public final class IpText {
  private IpText() {}

  /**
   * RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups (the
   * first on a tie) shortened to "::". IPv4 (and so IPv4-mapped input) prints as a dotted quad.
   * Other embedded-IPv4 forms print in plain hex: RFC 5952 section 5 leaves mixed notation to
   * callers who know the prefix's meaning, and one text form per address keeps joins exact.
   */
  public static String format(long hi, long lo, int version) {
    // Hand-written into one byte buffer: this runs for every address validate and encrypt
    // write, and the StringBuilder + Integer.toHexString version cost 150-800 ns per IPv6
    // address in allocation and GC (CipherBenchmark text-* variants).
    byte[] buf = new byte[39];
    int p = 0;
    if (version == 4) {
      long v4 = lo & 0xffff_ffffL;
      for (int shift = 24; shift >= 0; shift -= 8) {
        p = appendDecimal(buf, p, (int) ((v4 >>> shift) & 0xff));
        if (shift > 0) {
          buf[p++] = '.';
        }
      }
      return new String(buf, 0, p, StandardCharsets.ISO_8859_1);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (group(hi, lo, i) != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && group(hi, lo, j) == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        buf[p++] = ':';
        buf[p++] = ':';
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i != bestStart + bestLen) {
        buf[p++] = ':';
      }
      int g = group(hi, lo, i);
      boolean started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        int d = (g >>> shift) & 0xf;
        if (d != 0 || started || shift == 0) {
          buf[p++] = HEX[d];
          started = true;
        }
      }
    }
    return new String(buf, 0, p, StandardCharsets.ISO_8859_1);
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  private static int group(long hi, long lo, int i) {
    return (int) (((i < 4 ? hi : lo) >>> (16 * (3 - (i & 3)))) & 0xffff);
  }

  private static int appendDecimal(byte[] buf, int p, int v) {
    if (v >= 100) {
      buf[p++] = (byte) ('0' + v / 100);
      buf[p++] = (byte) ('0' + (v / 10) % 10);
    } else if (v >= 10) {
      buf[p++] = (byte) ('0' + v / 10);
    }
    buf[p++] = (byte) ('0' + v % 10);
    return p;
  }

  public static void appendV4(StringBuilder sb, long v4) {
    sb.append((v4 >>> 24) & 0xff).append('.').append((v4 >>> 16) & 0xff).append('.')
        .append((v4 >>> 8) & 0xff).append('.').append(v4 & 0xff);
  }

  /** The high 64 bits of a 16-byte network-order address. */
  public static long hi(byte[] b16) {
    return (long) BIG_ENDIAN_LONG.get(b16, 0);
  }

  /** The low 64 bits of a 16-byte network-order address. */
  public static long lo(byte[] b16) {
    return (long) BIG_ENDIAN_LONG.get(b16, 8);
  }

  /** One bounds-checked 8-byte load instead of eight: geotag reads every address through it. */
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  public static byte[] toBytes(long hi, long lo) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }
}
