package io.ippipe.common.crypto;

/**
 * Crypto-PAn (Xu, Fan, Ammar, Moon 2002), as the Crypto-PAn 1.0 reference and its Go, Python,
 * C# and Node ports compute it. The block of step i is the first i address bits over the pad
 * {@code PAD = AES(K, key[16..32))}; the flip is the top bit of AES(K, block). IPv4 (and
 * IPv4-mapped input, as the Go port does) is the 32-bit address in the top of the word, 32
 * steps; IPv6 is all 128 bits, 128 steps.
 */
final class CryptoPan extends BitwisePrefixCipher {
  private final AesBlocks aes;
  private final long padHi;
  private final long padLo;
  private final byte[] out = new byte[128 * 16];

  CryptoPan(byte[] key, boolean batched, int cacheEntries) {
    super(batched, cacheEntries);
    SchemeKeys.requireLength(key, Scheme.CRYPTOPAN);
    aes = new AesBlocks(key, 0, true);
    byte[] pad = new byte[16];
    aes.apply(key, 16, 16, pad, 0);
    padHi = Bits128.hi(pad, 0);
    padLo = Bits128.lo(pad, 0);
  }

  @Override
  public Scheme scheme() {
    return Scheme.CRYPTOPAN;
  }

  @Override
  public void encrypt(byte[] ip16, byte[] result) {
    transform(ip16, result, true);
  }

  @Override
  public void decrypt(byte[] in, byte[] ip16) {
    transform(in, ip16, false);
  }

  private void transform(byte[] in, byte[] result, boolean encrypt) {
    long hi = Bits128.hi(in, 0);
    long lo = Bits128.lo(in, 0);
    boolean v4 = Bits128.isV4Mapped(hi, lo);
    long wHi = v4 ? lo << 32 : hi;
    long wLo = v4 ? 0 : lo;
    int steps = v4 ? 32 : 128;
    if (encrypt) {
      encryptWord(wHi, wLo, 0, steps, v4);
    } else {
      decryptWord(wHi, wLo, 0, steps, v4);
    }
    if (v4) {
      Bits128.put(result, 0, 0, 0xffff_0000_0000L | (resultHi() >>> 32));
    } else {
      Bits128.put(result, 0, resultHi(), resultLo());
    }
  }

  @Override
  void writeBlock(long wHi, long wLo, int t, byte[] buf, int off) {
    long maskHi = Bits128.topMask(Math.min(t, 64));
    long maskLo = Bits128.topMask(Math.max(0, t - 64));
    Bits128.put(buf, off, (wHi & maskHi) | (padHi & ~maskHi), (wLo & maskLo) | (padLo & ~maskLo));
  }

  @Override
  void prf(byte[] in, int count) {
    aes.apply(in, 0, 16 * count, out, 0);
  }

  @Override
  boolean flip(int i) {
    return out[16 * i] < 0;
  }
}
