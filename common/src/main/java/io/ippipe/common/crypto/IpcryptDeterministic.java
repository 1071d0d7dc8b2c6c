package io.ippipe.common.crypto;

/** ipcrypt-deterministic: one AES-128 block over the 16-byte form; a permutation of 2^128. */
final class IpcryptDeterministic implements IpCipher {
  private final AesBlocks encrypt;
  private final AesBlocks decrypt;

  IpcryptDeterministic(byte[] key) {
    SchemeKeys.requireLength(key, Scheme.IPCRYPT_DETERMINISTIC);
    encrypt = new AesBlocks(key, 0, true);
    decrypt = new AesBlocks(key, 0, false);
  }

  @Override
  public Scheme scheme() {
    return Scheme.IPCRYPT_DETERMINISTIC;
  }

  @Override
  public void encrypt(byte[] ip16, byte[] out) {
    encrypt.block(ip16, out);
  }

  @Override
  public void decrypt(byte[] in, byte[] ip16) {
    decrypt.block(in, ip16);
  }
}
