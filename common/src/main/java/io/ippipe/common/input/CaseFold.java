package io.ippipe.common.input;

/**
 * Case folding for untrusted text, one code point to one, in one pass. Hand-written because
 * JDK 17's String.toLowerCase/toUpperCase copy the whole result once per letter whose mapping
 * grows ('İ' lower-cases to "i̇", 'ß' upper-cases to "SS"): a line of 64 K such letters cost
 * 12 GB of garbage and a second (CaseFoldingCostTest). What is folded here (schemes, protocol
 * and type names, column and member names, host names) is compared with ASCII names or counted
 * as given, so the one-to-one mapping of {@link Character#toLowerCase(int)} is all it needs:
 * on ASCII it equals the JDK's, and a letter whose full mapping grows keeps one code point.
 */
public final class CaseFold {
  private CaseFold() {}

  /** Each code point lower-cased on its own; {@code s} itself when nothing changes. */
  public static String lower(String s) {
    return fold(s, true);
  }

  /** Each code point upper-cased on its own; {@code s} itself when nothing changes. */
  public static String upper(String s) {
    return fold(s, false);
  }

  private static String fold(String s, boolean lower) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      int cp = s.codePointAt(i);
      if ((lower ? Character.toLowerCase(cp) : Character.toUpperCase(cp)) != cp) {
        break;
      }
      i += Character.charCount(cp);
    }
    if (i == n) {
      return s;
    }
    StringBuilder out = new StringBuilder(n).append(s, 0, i);
    while (i < n) {
      int cp = s.codePointAt(i);
      out.appendCodePoint(lower ? Character.toLowerCase(cp) : Character.toUpperCase(cp));
      i += Character.charCount(cp);
    }
    return out.toString();
  }
}
