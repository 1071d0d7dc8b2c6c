package io.ippipe.common.crypto;

import java.security.SecureRandom;

/** Where the random tweaks of ipcrypt-nd and -ndx come from. */
public interface TweakSource {
  void next(byte[] out, int off, int len);

  /**
   * Uniformly random tweaks from the platform's SecureRandom, drawn 4 KB at a time so that a
   * row does not pay a SecureRandom call. The draft requires uniformly random tweaks; counters
   * and timestamps are not allowed.
   */
  static TweakSource secureRandom() {
    return new TweakSource() {
      private final SecureRandom random = new SecureRandom();
      private final byte[] buffer = new byte[4096];
      private int used = buffer.length;

      @Override
      public void next(byte[] out, int off, int len) {
        if (used + len > buffer.length) {
          random.nextBytes(buffer);
          used = 0;
        }
        System.arraycopy(buffer, used, out, off, len);
        // Each tweak is handed out once, then wiped from the buffer.
        java.util.Arrays.fill(buffer, used, used + len, (byte) 0);
        used += len;
      }
    };
  }

  /** The same tweak every time: only for reproducing published test vectors. */
  static TweakSource fixed(byte[] tweak) {
    byte[] copy = tweak.clone();
    return (out, off, len) -> {
      if (len != copy.length) {
        throw new IllegalArgumentException("the tweak has " + copy.length + " bytes, the scheme needs " + len);
      }
      System.arraycopy(copy, 0, out, off, len);
    };
  }
}
