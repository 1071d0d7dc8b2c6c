package io.ippipe.common.crypto;

/** ipcrypt-nd: KIASU-BC under a random 8-byte tweak; output tweak || ciphertext, 24 bytes. */
final class IpcryptNd implements IpCipher {
  private final KiasuBc kiasu;
  private final TweakSource tweaks;

  IpcryptNd(byte[] key, TweakSource tweaks) {
    SchemeKeys.requireLength(key, Scheme.IPCRYPT_ND);
    this.kiasu = new KiasuBc(key);
    this.tweaks = tweaks;
  }

  @Override
  public Scheme scheme() {
    return Scheme.IPCRYPT_ND;
  }

  @Override
  public void encrypt(byte[] ip16, byte[] out) {
    tweaks.next(out, 0, 8);
    kiasu.encrypt(out, 0, ip16, 0, out, 8);
  }

  @Override
  public void decrypt(byte[] in, byte[] ip16) {
    kiasu.decrypt(in, 0, in, 8, ip16, 0);
  }
}
