package io.ippipe.common.ip;

import java.io.Serializable;

/**
 * An IP address as a 128-bit value. IPv4 is held in its IPv4-mapped form ({@code ::ffff:a.b.c.d})
 * so that IPv4 and IPv6 share one ordering, and {@link #version()} says which family it is.
 */
public record IpAddress(long hi, long lo, int version) implements Serializable, Comparable<IpAddress> {

  /** Parses a literal; throws {@link IllegalArgumentException} naming the reason when it is none. */
  public static IpAddress parse(String text) {
    IpParser parser = new IpParser();
    if (!parser.parse(text)) {
      throw new IllegalArgumentException(
          "Invalid IP address: " + text + ", expected an IPv4 dotted quad or an IPv6 literal ("
              + parser.error() + ")");
    }
    return new IpAddress(parser.hi(), parser.lo(), parser.version());
  }

  public static IpAddress ofV4(long v4) {
    return new IpAddress(0, IpParser.V4_MAPPED_PREFIX | (v4 & 0xffff_ffffL), 4);
  }

  public static IpAddress of(long hi, long lo) {
    int version = (hi == 0 && (lo >>> 32) == 0xffffL) ? 4 : 6;
    return new IpAddress(hi, lo, version);
  }

  /** The IPv4 value as an unsigned 32-bit number; only meaningful for version 4. */
  public long v4() {
    return lo & 0xffff_ffffL;
  }

  /** RFC 5952 canonical text (dotted quad for IPv4). */
  @Override
  public String toString() {
    return IpText.format(hi, lo, version);
  }

  /** The 16 network-order bytes: sorts the same as the address under unsigned byte comparison. */
  public byte[] toBytes() {
    return IpText.toBytes(hi, lo);
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }
}
