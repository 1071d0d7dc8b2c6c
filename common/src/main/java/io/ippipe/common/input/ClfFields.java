package io.ippipe.common.input;

/**
 * The fields of one Common or Combined Log Format line:
 * {@code client ident user [time] "request" status bytes} then zero to three quoted fields:
 * none, {@code "upstream"}, {@code "referer" "user-agent"}, or all three. The upstream
 * ({@code ip:port}, nginx {@code $upstream_addr}) is the last of one or three.
 *
 * <p>A hand-written scanner, not a regular expression: quoted fields are customer input (a
 * User-Agent can be kilobytes of escapes), and the pattern this replaces,
 * {@code "((?:[^"\\]|\\.)*)"}, recursed once per character in java.util.regex and overflowed the
 * stack on a 6 KB field. This is one pass, linear in the line, with the same acceptance.
 */
final class ClfFields {
  final String client;
  final String user;
  final String time;
  final String request;
  final String status;
  final String bytes;
  /** The upstream field, or null. */
  final String upstream;

  private ClfFields(String client, String user, String time, String request, String status,
      String bytes, String upstream) {
    this.client = client;
    this.user = user;
    this.time = time;
    this.request = request;
    this.status = status;
    this.bytes = bytes;
    this.upstream = upstream;
  }

  /** The fields of a stripped line, or null when it is no CLF line. */
  static ClfFields match(String s) {
    Scan p = new Scan(s);
    String client = p.token();
    String ident = client == null || !p.single(' ') ? null : p.token();
    String user = ident == null || !p.single(' ') ? null : p.token();
    if (user == null || !p.single(' ') || !p.single('[')) {
      return null;
    }
    int close = s.indexOf(']', p.i);
    if (close <= p.i) {
      return null;
    }
    String time = s.substring(p.i, close);
    p.i = close + 1;
    if (!p.single(' ')) {
      return null;
    }
    String request = p.quoted();
    if (request == null || !p.single(' ')) {
      return null;
    }
    String status = p.token();
    String bytes = status == null || !p.single(' ') ? null : p.token();
    if (bytes == null) {
      return null;
    }
    String[] tail = new String[3];
    int quoted = 0;
    while (p.i < s.length() && quoted < 4) {
      int mark = p.i;
      if (!p.single(' ')) {
        break;
      }
      String q = p.quoted();
      if (q == null) {
        p.i = mark;
        break;
      }
      if (quoted < 3) {
        tail[quoted] = q;
      }
      quoted++;
    }
    // Only white space may follow, and at most three quoted fields.
    for (int i = p.i; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i)) || quoted > 3) {
        return null;
      }
    }
    if (quoted > 3) {
      return null;
    }
    String upstream = quoted == 1 ? tail[0] : quoted == 3 ? tail[2] : null;
    return new ClfFields(client, user, time, request, status, bytes, upstream);
  }

  private static final class Scan {
    final String s;
    int i;

    Scan(String s) {
      this.s = s;
    }

    boolean single(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    /** One or more characters that are not white space ({@code \S+}). */
    String token() {
      int start = i;
      while (i < s.length() && !isSpace(s.charAt(i))) {
        i++;
      }
      return i > start ? s.substring(start, i) : null;
    }

    /** A double-quoted field with backslash escapes; its content as written, or null. */
    String quoted() {
      if (!single('"')) {
        return null;
      }
      int start = i;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"') {
          i++;
          return s.substring(start, i - 1);
        }
        if (c == '\\') {
          if (i + 1 >= s.length() || isLineTerminator(s.charAt(i + 1))) {
            return null;
          }
          i += 2;
        } else {
          i++;
        }
      }
      return null;
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** What '.' of a regular expression does not match. */
    private static boolean isLineTerminator(char c) {
      return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }
  }
}
