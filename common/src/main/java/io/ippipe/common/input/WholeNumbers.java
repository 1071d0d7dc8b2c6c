package io.ippipe.common.input;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Whole JSON numbers as longs, exactly or not at all. */
final class WholeNumbers {
  private WholeNumbers() {}

  /**
   * The number as a long, or null when it does not fit one. {@code Number.longValue()} keeps a
   * BigInteger's low 64 bits: 2^64 + 8080 read as port 8080, and 2^63 as a negative byte count.
   */
  static Long exactLong(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : null;
    }
    if (n instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException tooLargeOrFractional) {
        return null;
      }
    }
    double d = n.doubleValue();
    // 2^63 is the first double a long cannot hold.
    return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 ? (long) d : null;
  }
}
