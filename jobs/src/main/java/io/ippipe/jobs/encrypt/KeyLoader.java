package io.ippipe.jobs.encrypt;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.KeySources;
import io.ippipe.common.error.ConfigException;
import java.util.List;
import java.util.Map;
import io.ippipe.jobs.io.CredentialProvider;

/**
 * Builds the key ring on the driver from crypto.keys, before Spark starts, so that a missing,
 * open or malformed key fails the run with exit 2 before anything is read or written. The
 * Hadoop credential provider is read here because common has no Hadoop.
 */
public final class KeyLoader {
  private KeyLoader() {}

  public static KeyRing load(PipelineConfig config) {
    List<KeySources.Spec> specs = config.get(Keys.CRYPTO_KEYS);
    if (specs.isEmpty()) {
      throw new ConfigException("No keys configured: set crypto.keys, e.g. "
          + "crypto.keys=k1=file:/etc/ippipe/k1.key (write one with: ippipe keygen --scheme master "
          + "--out /etc/ippipe/k1.key)");
    }
    String providerPath = config.get(Keys.CRYPTO_CREDENTIAL_PROVIDER_PATH);
    Map<String, byte[]> material = KeySources.load(specs,
        providerPath.isEmpty() ? null : spec -> fromCredentialProvider(providerPath, spec));
    KeyRing.Derivation derivation = config.get(Keys.CRYPTO_KEY_DERIVATION).equals("hkdf")
        ? KeyRing.Derivation.HKDF : KeyRing.Derivation.NONE;
    return new KeyRing(material, derivation);
  }

  static char[] fromCredentialProvider(String providerPath, KeySources.Spec spec) {
    return CredentialProvider.read(providerPath, spec.location(), "Key '" + spec.id() + "'");
  }
}
