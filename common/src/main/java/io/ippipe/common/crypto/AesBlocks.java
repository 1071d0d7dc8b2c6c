package io.ippipe.common.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 over whole 16-byte blocks through one reused JCE {@code AES/ECB/NoPadding} cipher,
 * which runs on the CPU's AES instructions. Many blocks in one call cost a fraction of one call
 * per block, so callers batch where the scheme allows it. Not thread-safe.
 */
final class AesBlocks {
  private final Cipher cipher;

  AesBlocks(byte[] key, int off, boolean encrypt) {
    try {
      cipher = Cipher.getInstance("AES/ECB/NoPadding");
      cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, off, 16, "AES"));
    } catch (GeneralSecurityException e) {
      // Message of our own: JCE messages could in theory describe the key.
      throw new IllegalStateException("AES-128 is not available in this JVM", e);
    }
  }

  /** Transforms {@code len} bytes (a multiple of 16); in and out may be the same array. */
  void apply(byte[] in, int inOff, int len, byte[] out, int outOff) {
    try {
      cipher.update(in, inOff, len, out, outOff);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("AES output buffer too small", e);
    }
  }

  void block(byte[] in, byte[] out) {
    apply(in, 0, 16, out, 0);
  }
}
