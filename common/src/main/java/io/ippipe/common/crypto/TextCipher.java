package io.ippipe.common.crypto;

import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.IpText;

/**
 * A scheme at the text level, as columns and the single-IP tools hold addresses: IP literal in,
 * ciphertext text out (an IP address, or lowercase hex of tweak || ciphertext for nd and ndx),
 * and back. Prefix-preserving schemes keep a direct-mapped cache of whole results, because logs
 * repeat the same addresses. One instance per thread or partition.
 */
public final class TextCipher {
  /** Why the last call returned null. */
  public enum Error { NOT_AN_IP, NOT_HEX, WRONG_LENGTH }

  private final IpCipher cipher;
  private final Scheme scheme;
  private final IpParser parser = new IpParser();
  private final byte[] in = new byte[32];
  private final byte[] out = new byte[32];
  private final LongPairCache cache;
  private final long[] cached = new long[2];
  private Error error;
  private long lastHi;
  private long lastLo;
  private int lastVersion;

  public TextCipher(IpCipher cipher, int resultCacheEntries) {
    this.cipher = cipher;
    this.scheme = cipher.scheme();
    // Only the prefix-preserving schemes gain: one AES block costs less than a cache probe.
    this.cache = (scheme == Scheme.IPCRYPT_PFX || scheme == Scheme.CRYPTOPAN) && resultCacheEntries > 0
        ? new LongPairCache(resultCacheEntries) : null;
  }

  public Scheme scheme() {
    return scheme;
  }

  /** The ciphertext text of an IP literal, or null (see {@link #error()}). */
  public String encrypt(String ip) {
    error = null;
    if (ip == null || !parser.parse(ip)) {
      error = Error.NOT_AN_IP;
      return null;
    }
    long hi = parser.hi();
    long lo = parser.lo();
    if (cache != null && cache.get(hi, lo, cached)) {
      lastHi = cached[0];
      lastLo = cached[1];
    } else {
      Bits128.put(in, 0, hi, lo);
      cipher.encrypt(in, out);
      if (!scheme.outputIsAddress()) {
        lastVersion = 0;
        return Hex.encode(out, 0, scheme.outputBytes());
      }
      lastHi = Bits128.hi(out, 0);
      lastLo = Bits128.lo(out, 0);
      if (cache != null) {
        cache.put(hi, lo, lastHi, lastLo);
      }
    }
    lastVersion = Bits128.isV4Mapped(lastHi, lastLo) ? 4 : 6;
    return IpText.format(lastHi, lastLo, lastVersion);
  }

  /** The IP literal a ciphertext text decrypts to, or null (see {@link #error()}). */
  public String decrypt(String ciphertext) {
    error = null;
    if (ciphertext == null) {
      error = Error.WRONG_LENGTH;
      return null;
    }
    if (scheme.outputIsAddress()) {
      if (!parser.parse(ciphertext)) {
        error = Error.NOT_AN_IP;
        return null;
      }
      Bits128.put(in, 0, parser.hi(), parser.lo());
    } else {
      String s = ciphertext.strip();
      if (s.length() != 2 * scheme.outputBytes()) {
        error = Error.WRONG_LENGTH;
        return null;
      }
      if (!Hex.decodeInto(s, in, 32 - scheme.outputBytes())) {
        error = Error.NOT_HEX;
        return null;
      }
      System.arraycopy(in, 32 - scheme.outputBytes(), in, 0, scheme.outputBytes());
    }
    cipher.decrypt(in, out);
    lastHi = Bits128.hi(out, 0);
    lastLo = Bits128.lo(out, 0);
    lastVersion = Bits128.isV4Mapped(lastHi, lastLo) ? 4 : 6;
    return IpText.format(lastHi, lastLo, lastVersion);
  }

  public Error error() {
    return error;
  }

  /**
   * Family of the last result that is an address (4 or 6); 0 after an nd/ndx encryption, whose
   * output is not an address.
   */
  public int lastVersion() {
    return lastVersion;
  }

  /** The 16-byte form of the last result that is an address; null after nd/ndx encryption. */
  public byte[] lastBytes() {
    return lastVersion == 0 ? null : IpText.toBytes(lastHi, lastLo);
  }
}
