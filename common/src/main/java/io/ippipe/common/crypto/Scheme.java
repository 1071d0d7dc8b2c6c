package io.ippipe.common.crypto;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The address encryption schemes, by the names the ipcrypt draft and Crypto-PAn use. See
 * docs/encryption.md for what each one keeps (joins, prefixes) and what it hides.
 */
public enum Scheme {
  /** AES-128 on the 16-byte form; output is an IP address (IPv4 input usually gives IPv6). */
  IPCRYPT_DETERMINISTIC("ipcrypt-deterministic", 16, 16, 0, true),
  /** Prefix-preserving, family-preserving; two AES-128 keys. */
  IPCRYPT_PFX("ipcrypt-pfx", 32, 16, 0, true),
  /** KIASU-BC with a random 8-byte tweak; output is hex of tweak || ciphertext (24 bytes). */
  IPCRYPT_ND("ipcrypt-nd", 16, 24, 8, false),
  /** AES-XTS with a random 16-byte tweak; output is hex of tweak || ciphertext (32 bytes). */
  IPCRYPT_NDX("ipcrypt-ndx", 32, 32, 16, false),
  /** Crypto-PAn (Xu et al. 2002), IPv4 reference and the 128-bit IPv6 generalisation. */
  CRYPTOPAN("cryptopan", 32, 16, 0, true);

  private final String id;
  private final int keyBytes;
  private final int outputBytes;
  private final int tweakBytes;
  private final boolean deterministic;

  Scheme(String id, int keyBytes, int outputBytes, int tweakBytes, boolean deterministic) {
    this.id = id;
    this.keyBytes = keyBytes;
    this.outputBytes = outputBytes;
    this.tweakBytes = tweakBytes;
    this.deterministic = deterministic;
  }

  public String id() {
    return id;
  }

  public int keyBytes() {
    return keyBytes;
  }

  /** Bytes of ciphertext, tweak included. */
  public int outputBytes() {
    return outputBytes;
  }

  public int tweakBytes() {
    return tweakBytes;
  }

  /** Same input, same output: the output is an IP address, usable in joins and group-bys. */
  public boolean deterministic() {
    return deterministic;
  }

  /** Output written as an IP address; otherwise as lowercase hex of tweak || ciphertext. */
  public boolean outputIsAddress() {
    return tweakBytes == 0;
  }

  public static Scheme fromId(String text) {
    for (Scheme s : values()) {
      if (s.id.equalsIgnoreCase(text.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown encryption scheme '" + text + "', expected one of "
        + ids());
  }

  public static String ids() {
    return Arrays.stream(values()).map(Scheme::id).collect(Collectors.joining(", "));
  }
}
