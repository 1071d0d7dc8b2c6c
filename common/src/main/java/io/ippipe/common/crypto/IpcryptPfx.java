package io.ippipe.common.crypto;

import java.util.Arrays;

/**
 * ipcrypt-pfx (draft-denis-ipcrypt section "ipcrypt-pfx"): PRF = AES(K1, b) XOR AES(K2, b), the
 * flip is the least significant bit of the PRF's last byte, and the block of step n is
 * {@code 1 << n | plaintext >>> (128 - n)}. IPv4-mapped input starts at step 96, so IPv4 stays
 * IPv4 and IPv6 stays IPv6.
 */
final class IpcryptPfx extends BitwisePrefixCipher {
  private final AesBlocks k1;
  private final AesBlocks k2;
  private final byte[] out1 = new byte[128 * 16];
  private final byte[] out2 = new byte[128 * 16];

  IpcryptPfx(byte[] key, boolean batched, int cacheEntries) {
    super(batched, cacheEntries);
    SchemeKeys.requireLength(key, Scheme.IPCRYPT_PFX);
    if (Arrays.equals(key, 0, 16, key, 16, 32)) {
      // Equal halves make the PRF zero and the "ciphertext" the plaintext.
      throw new IllegalArgumentException(
          "ipcrypt-pfx key halves are equal, which would leave addresses unchanged; generate a new key");
    }
    k1 = new AesBlocks(key, 0, true);
    k2 = new AesBlocks(key, 16, true);
  }

  @Override
  public Scheme scheme() {
    return Scheme.IPCRYPT_PFX;
  }

  @Override
  public void encrypt(byte[] ip16, byte[] out) {
    transform(ip16, out, true);
  }

  @Override
  public void decrypt(byte[] in, byte[] ip16) {
    transform(in, ip16, false);
  }

  private void transform(byte[] in, byte[] result, boolean encrypt) {
    long hi = Bits128.hi(in, 0);
    long lo = Bits128.lo(in, 0);
    boolean v4 = Bits128.isV4Mapped(hi, lo);
    if (encrypt) {
      encryptWord(hi, lo, v4 ? 96 : 0, 128, v4);
    } else {
      decryptWord(hi, lo, v4 ? 96 : 0, 128, v4);
    }
    Bits128.put(result, 0, resultHi(), resultLo());
  }

  @Override
  void writeBlock(long wHi, long wLo, int t, byte[] buf, int off) {
    long hi = Bits128.shrHi(wHi, 128 - t);
    long lo = Bits128.shrLo(wHi, wLo, 128 - t);
    if (t >= 64) {
      hi |= 1L << (t - 64);
    } else {
      lo |= 1L << t;
    }
    Bits128.put(buf, off, hi, lo);
  }

  @Override
  void prf(byte[] in, int count) {
    k1.apply(in, 0, 16 * count, out1, 0);
    k2.apply(in, 0, 16 * count, out2, 0);
  }

  @Override
  boolean flip(int i) {
    return ((out1[16 * i + 15] ^ out2[16 * i + 15]) & 1) != 0;
  }
}
