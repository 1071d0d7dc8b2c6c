package io.ippipe.common.crypto;

/** Creates the cipher of a scheme. */
public final class IpCiphers {
  /** Default prefix-cache slots per family and direction (24 bytes each). */
  public static final int DEFAULT_PREFIX_CACHE = 1 << 14;

  /**
   * @param batched prefix-preserving schemes put all of an address's blocks through one AES
   *     call; false is the textbook one-call-per-bit loop, for benchmarks only
   * @param prefixCacheEntries prefix-cache slots of pfx and Crypto-PAn; 0 disables the cache
   * @param tweaks tweak source of nd and ndx
   */
  public record Options(boolean batched, int prefixCacheEntries, TweakSource tweaks) {
    public static Options defaults() {
      return new Options(true, DEFAULT_PREFIX_CACHE, null);
    }
  }

  private IpCiphers() {}

  private static TweakSource tweaks(Options options) {
    return options.tweaks() != null ? options.tweaks() : TweakSource.secureRandom();
  }

  public static IpCipher create(Scheme scheme, byte[] key) {
    return create(scheme, key, Options.defaults());
  }

  /** Throws IllegalArgumentException (never quoting the key) when the key does not fit. */
  public static IpCipher create(Scheme scheme, byte[] key, Options options) {
    return switch (scheme) {
      case IPCRYPT_DETERMINISTIC -> new IpcryptDeterministic(key);
      case IPCRYPT_PFX -> new IpcryptPfx(key, options.batched(), options.prefixCacheEntries());
      case IPCRYPT_ND -> new IpcryptNd(key, tweaks(options));
      case IPCRYPT_NDX -> new IpcryptNdx(key, tweaks(options));
      case CRYPTOPAN -> new CryptoPan(key, options.batched(), options.prefixCacheEntries());
    };
  }
}
