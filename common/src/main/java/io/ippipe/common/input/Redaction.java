package io.ippipe.common.input;

import io.ippipe.common.ip.IpParser;

/**
 * Masks what raw input must not keep before it is stored anywhere (the rejects' raw text):
 * credentials ({@code user:pass@} in URLs and bare entries, secret JSON members) and IP address
 * literals (a customer's address must not rest in the lake in plaintext), then cuts it to a
 * bounded length. Masking runs before truncation, so a cut can never expose half a secret.
 *
 * <p>Hand-written scanners, not regular expressions: the input is untrusted, and the patterns
 * this replaced recursed per character ({@code (?:[^"\\]|\\.)*} overflowed the stack on a few KB)
 * or backtracked quadratically ({@code "@" + "=" * n}). Every method here is one pass, linear in
 * the input.
 */
public final class Redaction {
  private Redaction() {}

  public static final String MASK = "***";
  /** What an IP address literal becomes. */
  public static final String IP_MASK = "<ip>";

  /**
   * What a secret's name holds, read without case or separators ("api_key", "apiKey" and
   * "API-KEY" are one name). Parts, not a list of whole names: suppliers name a password "pwd",
   * "proxy_password" or "client_secret", and a list of exact names let each new spelling through.
   * A column named so is masked in the rejects even when it holds nothing secret ("user_agent"):
   * they keep less, never a secret.
   */
  private static final String[] SECRET_NAME_PARTS = {"user", "login", "pass", "pwd", "secret",
      "token", "cred", "apikey", "privatekey", "authorization"};

  /** Whether a JSON member, CSV column or Parquet field of this name holds a secret. */
  public static boolean isSecretName(String name) {
    if (name == null) {
      return false;
    }
    StringBuilder letters = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        letters.append(Character.toLowerCase(c));
      }
    }
    String folded = letters.toString();
    // "auth" ends a secret's name ("proxy_auth", "basicAuth"), but starts the log's own flag
    // "authenticated", which is no secret.
    if (folded.endsWith("auth")) {
      return true;
    }
    for (String part : SECRET_NAME_PARTS) {
      if (folded.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /** Credentials masked; null stays null. */
  public static String mask(String raw) {
    if (raw == null) {
      return null;
    }
    // JSON members first, on the text as written: the user info's mask can swallow quotes (it
    // runs to the line's last '@'), and an odd number of them turned every later string inside
    // out for the JSON masker, so that "password" read as a value and its value went unmasked.
    String out = raw;
    if (out.indexOf('"') >= 0) {
      out = maskJsonSecrets(out);
    }
    if (out.indexOf('@') >= 0) {
      out = maskUserinfo(out);
    }
    return out;
  }

  /** Credentials and IP literals masked, then cut to {@code maxChars} (the rejects' raw text). */
  public static String maskAndTruncate(String raw, int maxChars) {
    String masked = maskAddresses(mask(raw));
    if (masked == null || masked.length() <= maxChars) {
      return masked;
    }
    return masked.substring(0, maxChars) + "...[" + (masked.length() - maxChars) + " more]";
  }

  /** What replaces the unfinished last token of a line cut at an arbitrary byte. */
  public static final String CUT = "...[cut]";

  /**
   * A line cut at an arbitrary position without its unfinished last token: the cut may fall
   * inside {@code user:pass} before the '@' that would mark it as a credential, or inside a
   * CSV field whose column can no longer be told, so nothing of that token is kept.
   */
  public static String dropLastToken(String cut) {
    int i = cut.length();
    while (i > 0 && !tokenBoundary(cut.charAt(i - 1))) {
      i--;
    }
    return cut.substring(0, i) + CUT;
  }

  /**
   * Where user info can end. Not ',', ';' or '=': passwords hold them (base64 ones end in "=="),
   * and the URL parser takes them as part of the user info, so a mask that stopped there left
   * the password's first part in clear. A token is longer for it (a CSV line without spaces is
   * one token), and its mask with it: the rejects keep less, never a secret.
   */
  private static boolean tokenBoundary(char c) {
    return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>';
  }

  /**
   * {@code scheme://user:pass@host}: everything from the scheme's {@code //} to the line's last
   * '@' (a password may hold '@', '/', and, where the line is not a URL parser's input but a
   * supplier's hand-written one, spaces, quotes or '<>', which end a token); bare
   * {@code user:pass@host} tokens: everything up to their last '@'.
   */
  static String maskUserinfo(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    int lineLastAt = s.lastIndexOf('@');
    while (i < n) {
      if (tokenBoundary(s.charAt(i))) {
        out.append(s.charAt(i++));
        continue;
      }
      // The token's last '@' and first "://" are found in the same pass as its end: searching
      // the whole string for them (lastIndexOf, indexOf) went past the token, once per token,
      // and made "@" followed by many short tokens quadratic.
      int end = i;
      int lastAt = -1;
      int scheme = -1;
      boolean anyScheme = false;
      while (end < n && !tokenBoundary(s.charAt(end))) {
        char c = s.charAt(end);
        if (c == '@') {
          lastAt = end;
        } else if (c == ':' && end + 2 < n && s.charAt(end + 1) == '/'
            && s.charAt(end + 2) == '/') {
          anyScheme = true;
          if (scheme < 0 && lastAt < 0) {
            scheme = end;
          }
        }
        end++;
      }
      // A scheme after an '@' of the token ("ops@acme.net,...,http://bob:pa ss@h") is in the
      // user info's span too: the mask then starts at the token's start, as a bare one does.
      if (anyScheme && lineLastAt > end) {
        // The rest of the line, up to its last '@', may be the password: no '@' comes after it,
        // so the scan goes on after that '@' with nothing more to mask, still one pass.
        out.append(s, i, scheme >= 0 ? scheme + 3 : i).append(MASK);
        i = lineLastAt;
        while (i < n && !tokenBoundary(s.charAt(i))) {
          out.append(s.charAt(i++));
        }
        continue;
      }
      if (lastAt < 0) {
        out.append(s, i, end);
      } else {
        int from = scheme >= 0 ? scheme + 3 : i;
        out.append(s, i, from).append(MASK).append(s, lastAt, end);
      }
      i = end;
    }
    return out.toString();
  }

  /**
   * The value of every JSON member named like a secret, whatever its type. Names are found
   * between any two consecutive quotes followed by a ':', not by tracking which quotes open a
   * string: a reject's line is often no valid JSON, and one stray quote before a secret member
   * ({@code "ip":"a"b"}) turned every later string inside out, so that "password" read as a
   * value and its value went out in clear. In valid JSON the text between a string's closing
   * quote and the next one is punctuation, never a name, so nothing is masked there that is not
   * a secret's value. Each character is read a bounded number of times.
   */
  static String maskJsonSecrets(String s) {
    int n = s.length();
    StringBuilder out = null;
    int copied = 0;
    int i = s.indexOf('"');
    while (i >= 0) {
      int j = s.indexOf('"', i + 1);
      if (j < 0) {
        break;
      }
      int k = j + 1;
      while (k < n && Character.isWhitespace(s.charAt(k))) {
        k++;
      }
      // Compared as the JSON parser reads it: "pass\u0077ord" is a password too. Only a
      // string a ':' follows is read as a name.
      if (k >= n || s.charAt(k) != ':' || !isSecretName(unescape(s, i + 1, j))) {
        i = j;
        continue;
      }
      k++;
      while (k < n && Character.isWhitespace(s.charAt(k))) {
        k++;
      }
      int valueEnd;
      if (k < n && s.charAt(k) == '"') {
        valueEnd = stringEnd(s, k);
      } else if (k < n && (s.charAt(k) == '[' || s.charAt(k) == '{')) {
        // An array or object of secrets (["alice", "hunter2"]) goes whole.
        valueEnd = structureEnd(s, k);
      } else {
        valueEnd = k;
        while (valueEnd < n && ",}] \t\r\n".indexOf(s.charAt(valueEnd)) < 0) {
          valueEnd++;
        }
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(s, copied, k).append('"').append(MASK).append('"');
      copied = valueEnd;
      i = valueEnd < n ? s.indexOf('"', valueEnd) : -1;
    }
    return out == null ? s : out.append(s, copied, n).toString();
  }

  /**
   * The index after the JSON array or object starting at {@code open} (or the input's end): its
   * brackets counted outside strings, one pass.
   */
  private static int structureEnd(String s, int open) {
    int depth = 0;
    int i = open;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        i = stringEnd(s, i);
        continue;
      }
      if (c == '[' || c == '{') {
        depth++;
      } else if ((c == ']' || c == '}') && --depth == 0) {
        return i + 1;
      }
      i++;
    }
    return s.length();
  }

  /** The text of a JSON string's body [from, to) with its escapes read, lower case. */
  private static String unescape(String s, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= to) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      if (e == 'u' && i + 4 < to) {
        try {
          out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        } catch (NumberFormatException bad) {
          out.append(e);
        }
      } else {
        out.append(e);
      }
    }
    return CaseFold.lower(out.toString());
  }

  /** The index after the JSON string starting at the quote {@code open} (or the input's end). */
  private static int stringEnd(String s, int open) {
    int i = open + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }

  private static boolean addressChar(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':'
        || c == '.';
  }

  private static boolean wordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * Every IP address literal as {@link #IP_MASK}: a run of hex digits, ':' and '.' that parses
   * as an address (IPv6, IPv4-mapped, an address with a ":port" after it), and every dotted quad
   * of one-to-three-digit numbers inside any run, valid or not (a customer's address written
   * with leading zeros is still theirs). Other runs (times, versions of fewer parts) stay.
   */
  public static String maskAddresses(String s) {
    if (s == null) {
      return null;
    }
    IpParser parser = new IpParser();
    StringBuilder out = null;
    int copied = 0;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (!addressChar(c) || (i > 0 && wordChar(s.charAt(i - 1)) && !addressChar(s.charAt(i - 1)))) {
        i++;
        continue;
      }
      int end = i;
      while (end < n && addressChar(s.charAt(end))) {
        end++;
      }
      if (end < n && wordChar(s.charAt(end))) {
        // Part of a word ("deadbeefcafe.example"): not an address.
        i = end;
        continue;
      }
      // Each mask found resumes the scan after it, inside the same run: one pass over the run.
      int from = i;
      int[] masked;
      while (from < end && (masked = maskedSpan(s, from, end, parser)) != null) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(s, copied, masked[0]).append(IP_MASK);
        copied = masked[1];
        from = masked[1];
      }
      i = end;
    }
    if (out == null) {
      return s;
    }
    return out.append(s, copied, n).toString();
  }

  /** The longest IPv6 text (45 characters) and a ":port". */
  private static final int MAX_ADDRESS_RUN = 52;

  /** The first span of [from, to) to mask, or null. */
  private static int[] maskedSpan(String s, int from, int to, IpParser parser) {
    // Whole-run parses only for runs an address (and a port) can fill, so that a long run is
    // still scanned once, not once per quad found in it.
    if (to - from >= 2 && to - from <= MAX_ADDRESS_RUN) {
      if (parser.parse(s, from, to)) {
        return new int[] {from, to};
      }
      // An address that ends a sentence: "... from 2a01:4f8::1."
      if (s.charAt(to - 1) == '.' && parser.parse(s, from, to - 1)) {
        return new int[] {from, to - 1};
      }
      // An address followed by ":port".
      // Searched back to the run's start only: lastIndexOf went on to the input's start, once
      // per run, quadratic on many short runs.
      int colon = to - 1;
      while (colon > from && s.charAt(colon) != ':') {
        colon--;
      }
      if (colon > from && colon < to - 1 && allDigits(s, colon + 1, to)
          && parser.parse(s, from, colon)) {
        return new int[] {from, colon};
      }
    }
    // Dotted quads anywhere in the run.
    for (int i = from; i < to; i++) {
      if (i > from && Character.isDigit(s.charAt(i - 1))) {
        continue;
      }
      int end = quadEnd(s, i, to);
      if (end > 0) {
        return new int[] {i, end};
      }
    }
    return null;
  }

  /** The end of a d{1,3}(.d{1,3}){3} starting at i and not followed by a digit, or -1. */
  private static int quadEnd(String s, int i, int to) {
    int p = i;
    for (int part = 0; part < 4; part++) {
      int digits = 0;
      while (p < to && Character.isDigit(s.charAt(p)) && digits < 4) {
        p++;
        digits++;
      }
      if (digits == 0 || digits > 3) {
        return -1;
      }
      if (part < 3) {
        if (p >= to || s.charAt(p) != '.') {
          return -1;
        }
        p++;
      }
    }
    return p < to && (Character.isDigit(s.charAt(p)) || s.charAt(p) == '.' && p + 1 < to
        && Character.isDigit(s.charAt(p + 1))) ? -1 : p;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return to > from;
  }
}
