package io.ippipe.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key lengths, HKDF derivation (RFC 5869, HMAC-SHA256) and key check values. No method here
 * puts key bytes into a message or a string.
 */
public final class SchemeKeys {
  private static final byte[] ZERO_SALT = new byte[32];
  private static final byte[] CHECK_LABEL = "ippipe key check v1".getBytes(StandardCharsets.US_ASCII);

  private SchemeKeys() {}

  static void requireLength(byte[] key, Scheme scheme) {
    if (key.length != scheme.keyBytes()) {
      throw new IllegalArgumentException(scheme.id() + " needs a " + scheme.keyBytes()
          + "-byte key (" + 2 * scheme.keyBytes() + " hex digits), got " + key.length + " bytes");
    }
  }

  /**
   * The key of one scheme derived from a master key, as the ipcrypt draft recommends when one
   * deployment uses several modes: {@code HKDF-Expand(HKDF-Extract(salt, master), mode, L)}.
   * The salt is empty (RFC 5869: HashLen zero bytes); the info is the scheme id, "cryptopan"
   * included, which is ippipe's own extension of the draft's list.
   */
  public static byte[] derive(byte[] master, Scheme scheme) {
    byte[] prk = hmac(ZERO_SALT, master);
    return expand(prk, scheme.id().getBytes(StandardCharsets.US_ASCII), scheme.keyBytes());
  }

  /** RFC 5869 HKDF-Extract. */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    return hmac(salt.length == 0 ? ZERO_SALT : salt, ikm);
  }

  /** RFC 5869 HKDF-Expand. */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 output is limited to 8160 bytes");
    }
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      byte[] input = new byte[t.length + info.length + 1];
      System.arraycopy(t, 0, input, 0, t.length);
      System.arraycopy(info, 0, input, t.length, info.length);
      input[input.length - 1] = (byte) i;
      t = hmac(prk, input);
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    Arrays.fill(t, (byte) 0);
    return out;
  }

  /**
   * A key check value: 8 hex digits of HMAC-SHA256(key, label). Recorded beside encrypted data
   * so that decrypting with the wrong key fails with a clear message instead of writing
   * garbage; 32 bits of a PRF output reveal nothing usable about the key.
   */
  public static String checkValue(byte[] key) {
    return Hex.encode(hmac(key, CHECK_LABEL), 0, 4);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
