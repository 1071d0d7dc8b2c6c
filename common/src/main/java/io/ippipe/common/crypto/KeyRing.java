package io.ippipe.common.crypto;

import io.ippipe.common.error.ConfigException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keys a run may use, by key id. With {@link Derivation#HKDF} each id holds a master key and
 * every scheme's key is derived from it; with {@link Derivation#NONE} the id's bytes are the
 * scheme key and must have the scheme's length. Only a ring made by {@link #only} can be
 * serialized, so that what jobs hand to their tasks is the derived key of the key id in use and
 * never a master key or the rest of the ring (docs/encryption.md says how it travels); toString
 * and every message name key ids and lengths only.
 */
public final class KeyRing implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Derivation { NONE, HKDF }

  private final Map<String, byte[]> material;
  private final Derivation derivation;
  /** Made by {@link #only}: holds derived keys of the ids a task needs, and may travel. */
  private final boolean forTasks;

  public KeyRing(Map<String, byte[]> material, Derivation derivation) {
    this(material, derivation, false);
  }

  private KeyRing(Map<String, byte[]> material, Derivation derivation, boolean forTasks) {
    this.forTasks = forTasks;
    Map<String, byte[]> copy = new LinkedHashMap<>();
    material.forEach((id, bytes) -> copy.put(id, bytes.clone()));
    this.material = copy;
    this.derivation = derivation;
    if (derivation == Derivation.HKDF) {
      material.forEach((id, bytes) -> {
        if (bytes.length < 16) {
          throw new ConfigException("Key '" + id + "' is a master key for HKDF but has only "
              + bytes.length + " bytes; use at least 16 (ippipe keygen --scheme master writes 32)");
        }
      });
    }
  }

  public Set<String> ids() {
    return Collections.unmodifiableSet(material.keySet());
  }

  public Derivation derivation() {
    return derivation;
  }

  /** The key of {@code scheme} under key id {@code id}; ConfigException if missing or unfit. */
  public byte[] schemeKey(String id, Scheme scheme) {
    byte[] bytes = material.get(id);
    if (bytes == null) {
      throw new ConfigException("No key with id '" + id + "': known key ids are " + ids()
          + "; add it to crypto.keys");
    }
    if (derivation == Derivation.HKDF) {
      return SchemeKeys.derive(bytes, scheme);
    }
    if (bytes.length != scheme.keyBytes()) {
      throw new ConfigException("Key '" + id + "' has " + bytes.length + " bytes, but " + scheme.id()
          + " needs " + scheme.keyBytes() + " (" + 2 * scheme.keyBytes() + " hex digits); "
          + "generate one with: ippipe keygen --scheme " + scheme.id()
          + ", or set crypto.key_derivation=hkdf with a master key");
    }
    return bytes.clone();
  }

  /** A cipher for (id, scheme); key problems are ConfigExceptions that say what to fix. */
  public IpCipher cipher(String id, Scheme scheme, IpCiphers.Options options) {
    byte[] key = schemeKey(id, scheme);
    try {
      return IpCiphers.create(scheme, key, options);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Key '" + id + "' cannot be used for " + scheme.id() + ": "
          + e.getMessage());
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * A ring holding only {@code scheme}'s key of each of {@code ids}, already derived: what tasks
   * receive, so that no master key and no other scheme's or key id's key leaves the driver.
   */
  public KeyRing only(Scheme scheme, java.util.Collection<String> ids) {
    Map<String, byte[]> derived = new LinkedHashMap<>();
    for (String id : ids) {
      byte[] key = schemeKey(id, scheme);
      derived.put(id, key);
    }
    try {
      return new KeyRing(derived, Derivation.NONE, true);
    } finally {
      derived.values().forEach(k -> java.util.Arrays.fill(k, (byte) 0));
    }
  }

  /** The check value of (id, scheme); see {@link SchemeKeys#checkValue}. */
  public String checkValue(String id, Scheme scheme) {
    byte[] key = schemeKey(id, scheme);
    try {
      return SchemeKeys.checkValue(key);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Refuses the whole ring: Spark would copy master keys and unused key ids into every task, to
   * every executor and to disk wherever a task spills. The message names the fix, not the keys.
   */
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    if (!forTasks) {
      throw new java.io.NotSerializableException("KeyRing " + ids() + " holds master keys; ship "
          + "keys.only(scheme, keyIds) to tasks instead");
    }
    out.defaultWriteObject();
  }

  @Override
  public String toString() {
    return "KeyRing" + ids() + " (" + derivation.name().toLowerCase() + ", key bytes not shown)";
  }
}
