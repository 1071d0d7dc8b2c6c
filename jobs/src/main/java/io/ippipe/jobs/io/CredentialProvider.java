package io.ippipe.jobs.io;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads one alias from a Hadoop credential provider (jceks on HDFS or local disk), for the
 * {@code credential:ALIAS} form of secrets. Here, not in common, because common has no Hadoop.
 */
public final class CredentialProvider {
  private CredentialProvider() {}

  /**
   * {@code label} starts every message, e.g. "Key 'k1'"; no message carries the secret.
   * {@code hadoop} is the run's own configuration ({@link Sessions#hadoopConf}): a store on HDFS
   * needs the cluster's settings (name services, security), and the file system the store is read
   * through is cached for the whole JVM, so it must be the one the session will use.
   */
  public static char[] read(Configuration hadoop, String providerPath, String alias,
      String label) {
    if (providerPath == null || providerPath.isBlank()) {
      throw new ConfigException(label + ": credential:" + alias + " needs "
          + "crypto.credential_provider_path, e.g. jceks://file/etc/ippipe/keys.jceks");
    }
    Configuration conf = new Configuration(hadoop);
    conf.set("hadoop.security.credential.provider.path", providerPath);
    // Without this, a missing alias falls back to a clear-text config property of that name.
    conf.setBoolean("hadoop.security.credential.clear-text-fallback", false);
    char[] value;
    try {
      value = conf.getPassword(alias);
    } catch (IOException e) {
      throw new ConfigException(label + ": cannot read the credential provider " + providerPath
          + ": " + e.getClass().getSimpleName());
    }
    if (value == null) {
      throw new ConfigException(label + ": alias " + alias
          + " is not in the credential provider " + providerPath);
    }
    return value;
  }
}
