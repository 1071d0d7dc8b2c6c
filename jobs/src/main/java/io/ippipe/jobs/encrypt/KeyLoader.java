package io.ippipe.jobs.encrypt;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.KeySources;
import io.ippipe.common.error.ConfigException;
import java.util.List;
import java.util.Map;
import io.ippipe.jobs.io.CredentialProvider;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds the key ring on the driver from crypto.keys, before Spark starts, so that a missing,
 * open or malformed key fails the run with exit 2 before anything is read or written. The
 * Hadoop credential provider is read here because common has no Hadoop.
 */
public final class KeyLoader {
  private KeyLoader() {}

  public static KeyRing load(Configuration hadoop, PipelineConfig config) {
    List<KeySources.Spec> specs = config.get(Keys.CRYPTO_KEYS);
    if (specs.isEmpty()) {
      throw new ConfigException("No keys configured: set crypto.keys, e.g. "
          + "crypto.keys=k1=file:/etc/ippipe/k1.key (write one with: ippipe keygen --scheme master "
          + "--out /etc/ippipe/k1.key)");
    }
    String providerPath = config.get(Keys.CRYPTO_CREDENTIAL_PROVIDER_PATH);
    Map<String, byte[]> material = KeySources.load(specs,
        providerPath.isEmpty() ? null : spec -> fromCredentialProvider(hadoop, providerPath, spec));
    KeyRing.Derivation derivation = config.get(Keys.CRYPTO_KEY_DERIVATION).equals("hkdf")
        ? KeyRing.Derivation.HKDF : KeyRing.Derivation.NONE;
    return new KeyRing(material, derivation);
  }

  /**
   * probe.judge_key, from the same sources as crypto.keys (file:, env:, credential:); empty
   * fails naming the key, since the checkers and the judge cannot work without it.
   */
  public static io.ippipe.common.probe.JudgeKey judgeKey(Configuration hadoop,
      PipelineConfig config) {
    String value = config.get(Keys.PROBE_JUDGE_KEY);
    if (value.isEmpty()) {
      throw new ConfigException("probe.judge_key is not set: the judge signs its answers and the "
          + "checkers refuse unsigned ones. Write a key with: ippipe keygen --scheme master --out "
          + "/etc/ippipe/judge.key, then set probe.judge_key=file:/etc/ippipe/judge.key for both");
    }
    List<KeySources.Spec> spec;
    try {
      spec = KeySources.parse("probe.judge_key=" + value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid value for probe.judge_key: '"
          + Keys.PROBE_JUDGE_KEY.shown(value) + "', expected env:VAR, file:PATH or credential:ALIAS");
    }
    String providerPath = config.get(Keys.CRYPTO_CREDENTIAL_PROVIDER_PATH);
    byte[] bytes = KeySources.load(spec.get(0),
        providerPath.isEmpty() ? null : s -> fromCredentialProvider(hadoop, providerPath, s));
    try {
      return io.ippipe.common.probe.JudgeKey.of(bytes);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  static char[] fromCredentialProvider(Configuration hadoop, String providerPath,
      KeySources.Spec spec) {
    return CredentialProvider.read(hadoop, providerPath, spec.location(), "Key '" + spec.id() + "'");
  }
}
