package io.ippipe.common.ip;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of CIDR blocks an operator declared (which networks checks may reach, which networks a
 * supplier owns). IPv4 blocks are held in their IPv4-mapped form, as every address in ippipe, so
 * that an IPv4 address matches its block whichever way it was written.
 */
public final class Networks implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final Networks NONE = new Networks(List.of(), List.of());

  /** First and last address of each block, as 128-bit values {hi, lo}. */
  private final long[][] blocks;
  private final List<String> text;

  private Networks(List<long[]> blocks, List<String> text) {
    this.blocks = blocks.toArray(new long[0][]);
    this.text = List.copyOf(text);
  }

  /**
   * Parses CIDR blocks separated by commas or white space ({@code 127.0.0.0/8, ::1/128}); a bare
   * address is its own block. Throws IllegalArgumentException naming the bad entry.
   */
  public static Networks parse(String list) {
    List<long[]> blocks = new ArrayList<>();
    List<String> text = new ArrayList<>();
    IpParser parser = new IpParser();
    for (String entry : list.strip().split("[,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      String address = slash < 0 ? entry : entry.substring(0, slash);
      if (!parser.parse(address)) {
        throw new IllegalArgumentException("CIDR blocks such as 127.0.0.0/8 or ::1/128 "
            + "('" + entry + "' is not one)");
      }
      int max = parser.version() == 4 ? 32 : 128;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
          throw new IllegalArgumentException("CIDR blocks such as 127.0.0.0/8 or ::1/128 ('"
              + entry + "' has a bad prefix length)");
        }
      }
      int p = parser.version() == 4 ? prefix + 96 : prefix;
      long maskHi = p >= 64 ? -1L : (p == 0 ? 0 : -1L << (64 - p));
      long maskLo = p <= 64 ? 0 : (p == 128 ? -1L : -1L << (128 - p));
      long hi = parser.hi();
      long lo = parser.lo();
      blocks.add(new long[] {hi & maskHi, lo & maskLo, hi | ~maskHi, lo | ~maskLo});
      text.add(entry);
    }
    return blocks.isEmpty() ? NONE : new Networks(blocks, text);
  }

  public boolean isEmpty() {
    return blocks.length == 0;
  }

  /** Whether {@code ip} (any textual form) lies in one of the blocks; false if it is no address. */
  public boolean contains(String ip) {
    if (blocks.length == 0) {
      return false;
    }
    IpParser parser = new IpParser();
    if (!parser.parse(ip)) {
      return false;
    }
    long hi = parser.hi();
    long lo = parser.lo();
    for (long[] b : blocks) {
      if (compare(hi, lo, b[0], b[1]) >= 0 && compare(hi, lo, b[2], b[3]) <= 0) {
        return true;
      }
    }
    return false;
  }

  private static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  @Override
  public String toString() {
    return String.join(", ", text);
  }
}
