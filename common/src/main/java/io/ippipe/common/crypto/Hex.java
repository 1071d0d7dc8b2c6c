package io.ippipe.common.crypto;

/**
 * Lowercase hex. Decoding errors never quote the input: the input may be a key.
 */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return encode(bytes, 0, bytes.length);
  }

  public static String encode(byte[] bytes, int off, int len) {
    char[] out = new char[2 * len];
    for (int i = 0; i < len; i++) {
      int b = bytes[off + i] & 0xff;
      out[2 * i] = DIGITS[b >>> 4];
      out[2 * i + 1] = DIGITS[b & 0xf];
    }
    return new String(out);
  }

  /** Decodes hex (either case); throws IllegalArgumentException saying what is wrong, not where. */
  public static byte[] decode(CharSequence text) {
    int n = text.length();
    if (n % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits (" + n + ")");
    }
    byte[] out = new byte[n / 2];
    if (!decodeInto(text, out, 0)) {
      throw new IllegalArgumentException("not hex: only 0-9 and a-f are allowed");
    }
    return out;
  }

  /** Decodes exactly {@code 2 * (out.length - off)} digits into out; false when not hex. */
  public static boolean decodeInto(CharSequence text, byte[] out, int off) {
    int n = text.length();
    if (n != 2 * (out.length - off)) {
      return false;
    }
    for (int i = 0; i < n; i += 2) {
      int h = Character.digit(text.charAt(i), 16);
      int l = Character.digit(text.charAt(i + 1), 16);
      if (h < 0 || l < 0) {
        return false;
      }
      out[off + i / 2] = (byte) ((h << 4) | l);
    }
    return true;
  }
}
