package io.ippipe.common.input;

import java.util.regex.Pattern;

/**
 * Masks credentials in raw input before it is kept anywhere (the rejects' raw line), then cuts it
 * to a bounded length. Masking runs before truncation, so a cut can never expose half a secret.
 */
public final class Redaction {
  private Redaction() {}

  public static final String MASK = "***";

  /** {@code user:pass@} in URLs and in bare {@code user:pass@host:port} entries. */
  private static final Pattern USERINFO =
      Pattern.compile("(?<=^|[\\s/\"',;=])[^\\s/@\"',;]*@");

  /** JSON members that carry secrets, whatever their value's type. */
  private static final Pattern JSON_SECRET = Pattern.compile(
      "(\"(?:username|password|user|pass|passwd|auth|proxy_auth|credentials)\"\\s*:\\s*)"
          + "(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]\\s]+)",
      Pattern.CASE_INSENSITIVE);

  public static String mask(String raw) {
    if (raw == null) {
      return null;
    }
    String out = raw;
    if (out.indexOf('@') >= 0) {
      out = USERINFO.matcher(out).replaceAll(MASK + "@");
    }
    if (out.indexOf('"') >= 0) {
      out = JSON_SECRET.matcher(out).replaceAll("$1\"" + MASK + "\"");
    }
    return out;
  }

  public static String maskAndTruncate(String raw, int maxChars) {
    String masked = mask(raw);
    if (masked == null || masked.length() <= maxChars) {
      return masked;
    }
    return masked.substring(0, maxChars) + "...[" + (masked.length() - maxChars) + " more]";
  }
}
