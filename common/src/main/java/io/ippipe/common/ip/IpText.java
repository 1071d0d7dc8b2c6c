package io.ippipe.common.ip;

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
    StringBuilder sb = new StringBuilder(39);
    if (version == 4) {
      appendV4(sb, lo & 0xffff_ffffL);
      return sb.toString();
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (16 * (3 - i))) & 0xffff);
      g[i + 4] = (int) ((lo >>> (16 * (3 - i))) & 0xffff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
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
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i != bestStart + bestLen) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  public static void appendV4(StringBuilder sb, long v4) {
    sb.append((v4 >>> 24) & 0xff).append('.').append((v4 >>> 16) & 0xff).append('.')
        .append((v4 >>> 8) & 0xff).append('.').append(v4 & 0xff);
  }

  public static byte[] toBytes(long hi, long lo) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }
}
