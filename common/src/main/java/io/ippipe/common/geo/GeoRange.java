package io.ippipe.common.geo;

/**
 * An inclusive address range [start, end] as 128-bit unsigned values (IPv4 in its IPv4-mapped
 * form, as everywhere in ippipe) with what a source says about it.
 */
public record GeoRange(long startHi, long startLo, long endHi, long endLo, GeoAttributes attributes) {

  static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  /** The range of a CIDR block given its first address's 128-bit value and 128-bit prefix length. */
  public static GeoRange ofCidr(long hi, long lo, int prefix128, GeoAttributes attributes) {
    long maskHi = prefix128 >= 64 ? -1L : (prefix128 == 0 ? 0 : -1L << (64 - prefix128));
    long maskLo = prefix128 <= 64 ? 0 : (prefix128 == 128 ? -1L : -1L << (128 - prefix128));
    return new GeoRange(hi & maskHi, lo & maskLo, hi | ~maskHi, lo | ~maskLo, attributes);
  }
}
