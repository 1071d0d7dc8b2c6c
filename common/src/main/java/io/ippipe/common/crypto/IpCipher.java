package io.ippipe.common.crypto;

/**
 * One scheme under one key, on the 16-byte address form (network order, IPv4 as
 * {@code ::ffff:a.b.c.d}, as every scheme here specifies). Instances hold scratch buffers and
 * caches and are not thread-safe: make one per thread or per Spark partition, never per row.
 */
public interface IpCipher {
  Scheme scheme();

  /** Encrypts {@code ip16} into {@code out[0..scheme().outputBytes())}. */
  void encrypt(byte[] ip16, byte[] out);

  /** Reverses {@link #encrypt}: reads {@code scheme().outputBytes()} bytes, writes 16. */
  void decrypt(byte[] in, byte[] ip16);
}
