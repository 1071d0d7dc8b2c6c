package io.ippipe.common.ip;

import io.ippipe.common.error.RejectReason;

/**
 * Strict parser for IP address literals, IPv4 dotted quad and every RFC 4291 IPv6 text form.
 *
 * <p>Hand-written rather than delegated to {@code InetAddress} (which resolves host names, a
 * network call on untrusted text) or to seancfoley IPAddress (which is the oracle in the tests):
 * this runs once per log row, so it parses straight into two longs without allocating. See
 * {@code bench/.../IpParseBenchmark} for the measured comparison.
 *
 * <p>An instance is a reusable, mutable cursor: not thread-safe, one per task. After a successful
 * {@link #parse}, {@link #hi()} and {@link #lo()} hold the 128-bit value and {@link #version()} is
 * 4 or 6. IPv4 and IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) both come out as version 4, held in
 * the IPv4-mapped 128-bit form, so that one binary ordering covers both families.
 */
public final class IpParser {
  /** High word of every IPv4-mapped address is zero; the low word carries 0xffff in bits 32..47. */
  public static final long V4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

  private long hi;
  private long lo;
  private int version;
  private boolean hadZone;
  private RejectReason error;

  public long hi() {
    return hi;
  }

  public long lo() {
    return lo;
  }

  public int version() {
    return version;
  }

  /** True when the parsed text carried an IPv6 zone id ({@code %eth0}), which was dropped. */
  public boolean hadZone() {
    return hadZone;
  }

  /** The reason of the last failed parse, or null after a success. */
  public RejectReason error() {
    return error;
  }

  public boolean parse(CharSequence s) {
    return parse(s, 0, s.length());
  }

  /** Parses {@code s[from, to)}; returns false and sets {@link #error()} when it is no literal. */
  public boolean parse(CharSequence s, int from, int to) {
    hi = 0;
    lo = 0;
    version = 0;
    hadZone = false;
    error = null;
    if (from >= to) {
      return fail(RejectReason.INVALID_IP);
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return parseV6(s, from, to);
      }
    }
    long v4 = parseV4(s, from, to);
    if (v4 < 0) {
      return fail(looksLikeHostname(s, from, to) ? RejectReason.HOSTNAME_NOT_IP : RejectReason.INVALID_IPV4);
    }
    lo = V4_MAPPED_PREFIX | v4;
    version = 4;
    return true;
  }

  private boolean fail(RejectReason reason) {
    error = reason;
    hi = 0;
    lo = 0;
    version = 0;
    return false;
  }

  /**
   * Dotted quad only: four decimal octets of one to three digits, no leading zero, at most 255.
   * Octal ({@code 010}), hex ({@code 0x0a}) and shorthand ({@code 10.1}) forms are refused, as
   * they mean different addresses to different parsers. Returns the value, or -1.
   */
  static long parseV4(CharSequence s, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int octet = 0;
      while (i < to) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        octet = octet * 10 + (c - '0');
        i++;
        if (i - start > 3) {
          return -1;
        }
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (i == to) {
        return octets == 4 ? value : -1;
      }
      if (s.charAt(i) != '.' || octets == 4) {
        return -1;
      }
      i++;
    }
  }

  private boolean parseV6(CharSequence s, int from, int to) {
    int end = to;
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '%') {
        if (i == to - 1) {
          return fail(RejectReason.INVALID_IPV6);
        }
        hadZone = true;
        end = i;
        break;
      }
    }
    // Up to eight 16-bit groups; 'gap' is the group index where "::" stands, or -1.
    int[] groups = groupsScratch;
    int count = 0;
    int gap = -1;
    int i = from;
    if (end - from >= 2 && s.charAt(from) == ':' && s.charAt(from + 1) == ':') {
      gap = 0;
      i = from + 2;
      if (i == end) {
        return finishV6(groups, 0, 0);
      }
    } else if (s.charAt(from) == ':') {
      return fail(RejectReason.INVALID_IPV6);
    }
    while (true) {
      int start = i;
      int value = 0;
      while (i < end) {
        int d = hexDigit(s.charAt(i));
        if (d < 0) {
          break;
        }
        value = (value << 4) | d;
        i++;
      }
      int digits = i - start;
      if (i < end && s.charAt(i) == '.') {
        // Embedded IPv4 in the last 32 bits (RFC 4291 2.2 form 3).
        if (count > 6 || (gap < 0 && count != 6)) {
          return fail(RejectReason.INVALID_IPV6);
        }
        long v4 = parseV4(s, start, end);
        if (v4 < 0) {
          return fail(RejectReason.INVALID_IPV6);
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xffff);
        return finishV6(groups, count, gap);
      }
      if (digits == 0 || digits > 4 || count == 8) {
        return fail(RejectReason.INVALID_IPV6);
      }
      groups[count++] = value;
      if (i == end) {
        return finishV6(groups, count, gap);
      }
      if (s.charAt(i) != ':') {
        return fail(RejectReason.INVALID_IPV6);
      }
      i++;
      if (i < end && s.charAt(i) == ':') {
        if (gap >= 0) {
          return fail(RejectReason.INVALID_IPV6);
        }
        gap = count;
        i++;
        if (i == end) {
          return finishV6(groups, count, gap);
        }
      } else if (i == end) {
        return fail(RejectReason.INVALID_IPV6);
      }
    }
  }

  private final int[] groupsScratch = new int[8];

  private boolean finishV6(int[] groups, int count, int gap) {
    if (gap < 0 ? count != 8 : count > 7) {
      return fail(RejectReason.INVALID_IPV6);
    }
    long h = 0;
    long l = 0;
    int zeros = 8 - count;
    int out = 0;
    for (int g = 0; g <= count; g++) {
      if (g == gap) {
        out += zeros;
      }
      if (g == count) {
        break;
      }
      if (out < 4) {
        h |= ((long) groups[g]) << (16 * (3 - out));
      } else {
        l |= ((long) groups[g]) << (16 * (7 - out));
      }
      out++;
    }
    hi = h;
    lo = l;
    version = (h == 0 && (l >>> 32) == 0xffffL) ? 4 : 6;
    return true;
  }

  private static boolean looksLikeHostname(CharSequence s, int from, int to) {
    boolean letter = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Character.isLetter(c) && c < 128) {
        letter = true;
      } else if (!(c >= '0' && c <= '9') && c != '-' && c != '.') {
        return false;
      }
    }
    // "0x0a.1.1.1" has letters too, but no host name starts with a hex prefix octet.
    return letter && !(to - from > 1 && s.charAt(from) == '0' && (s.charAt(from + 1) | 0x20) == 'x');
  }

  /** ASCII hex only: {@code Character.digit} also reads fullwidth and other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
