package io.ippipe.jobs.io;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProviderFactory;

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
    // The store's file system is made from this copy and cached for the JVM, so the copy
    // differs from the run's only by the provider path; the providers alone are asked, never a
    // clear-text property of the alias's name (getPassword's fallback).
    Configuration conf = new Configuration(hadoop);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, providerPath);
    char[] value;
    try {
      value = conf.getPasswordFromCredentialProviders(alias);
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
