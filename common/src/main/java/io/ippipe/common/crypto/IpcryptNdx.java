package io.ippipe.common.crypto;

/**
 * ipcrypt-ndx: one-block AES-XTS (XEX) with a random 16-byte tweak. K1 (key bytes 0-15)
 * encrypts the data, K2 (16-31) the tweak. The JCE has no XTS mode; two ECB ciphers are all it
 * takes for a single block. Output tweak || ciphertext, 32 bytes.
 */
final class IpcryptNdx implements IpCipher {
  private final AesBlocks dataEncrypt;
  private final AesBlocks dataDecrypt;
  private final AesBlocks tweakEncrypt;
  private final TweakSource tweaks;
  private final byte[] et = new byte[16];
  private final byte[] block = new byte[16];

  IpcryptNdx(byte[] key, TweakSource tweaks) {
    SchemeKeys.requireLength(key, Scheme.IPCRYPT_NDX);
    dataEncrypt = new AesBlocks(key, 0, true);
    dataDecrypt = new AesBlocks(key, 0, false);
    tweakEncrypt = new AesBlocks(key, 16, true);
    this.tweaks = tweaks;
  }

  @Override
  public Scheme scheme() {
    return Scheme.IPCRYPT_NDX;
  }

  @Override
  public void encrypt(byte[] ip16, byte[] out) {
    tweaks.next(out, 0, 16);
    tweakEncrypt.apply(out, 0, 16, et, 0);
    for (int i = 0; i < 16; i++) {
      block[i] = (byte) (ip16[i] ^ et[i]);
    }
    dataEncrypt.apply(block, 0, 16, out, 16);
    for (int i = 0; i < 16; i++) {
      out[16 + i] ^= et[i];
    }
  }

  @Override
  public void decrypt(byte[] in, byte[] ip16) {
    tweakEncrypt.apply(in, 0, 16, et, 0);
    for (int i = 0; i < 16; i++) {
      block[i] = (byte) (in[16 + i] ^ et[i]);
    }
    dataDecrypt.apply(block, 0, 16, ip16, 0);
    for (int i = 0; i < 16; i++) {
      ip16[i] ^= et[i];
    }
  }
}
