package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.publish.RedisPoolStore;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * publish's connection to Redis against a real redis-server with TLS (Debian's redis 7 has it
 * built in) and an ACL user, through the publish.redis.* settings. The CA and the server's
 * certificate are made here with openssl: the certificate names DNS:localhost only, so the same
 * server reached as 127.0.0.1 presents a certificate for another host.
 */
class RedisSecurityTest {
  static final String USER = "publisher";
  static final String PASSWORD = "acl-pass-7f3e";

  @TempDir
  static Path dir;
  static RedisServer redis;
  static int tlsPort;
  static Path ca;
  static Path otherCa;
  static Path passwordFile;

  @BeforeAll
  static void start() throws Exception {
    ca = certificateAuthority("ca");
    otherCa = certificateAuthority("other-ca");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
    try (ServerSocket s = new ServerSocket(0)) {
      tlsPort = s.getLocalPort();
    }
    // The default user is off: only the ACL user gets in.
    redis = RedisServer.start("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", dir.resolve("server.crt").toString(),
        "--tls-key-file", dir.resolve("server.key").toString(),
        "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no",
        "--user", USER, "on", ">" + PASSWORD, "~*", "&*", "+@all", "--user", "default", "off");
    passwordFile = dir.resolve("redis.pw");
    Files.writeString(passwordFile, PASSWORD + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  static Path certificateAuthority(String name) throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
        name + ".crt", "-subj", "/CN=ippipe test " + name, "-days", "2");
    return dir.resolve(name + ".crt");
  }

  static void openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
  }

  static RedisPoolStore store(String url, String... settings) {
    Map<String, String> cli = new HashMap<>();
    cli.put("publish.redis.url", url);
    for (int i = 0; i < settings.length; i += 2) {
      cli.put(settings[i], settings[i + 1]);
    }
    return RedisPoolStore.fromConfig(PipelineConfig.of(Map.of(), cli));
  }

  @Test
  void theRightCaAndHostAreAcceptedAndTheAclUserAuthenticates() throws Exception {
    try (RedisPoolStore s = store("rediss://localhost:" + tlsPort + "/0",
        "publish.redis.tls.ca_file", ca.toString(), "publish.redis.user", USER,
        "publish.redis.password", "file:" + passwordFile)) {
      assertNull(s.currentVersion());
    }
    // The same CA as a JKS trust store (its password is not needed to read certificates).
    Path jks = dir.resolve("trust.jks");
    if (!Files.exists(jks)) {
      Process p = new ProcessBuilder("keytool", "-importcert", "-noprompt", "-alias", "ca",
          "-file", ca.toString(), "-keystore", jks.toString(), "-storetype", "JKS",
          "-storepass", "changeit").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertEquals(0, p.waitFor());
    }
    try (RedisPoolStore s = store("rediss://localhost:" + tlsPort + "/0",
        "publish.redis.tls.ca_file", jks.toString(), "publish.redis.user", USER,
        "publish.redis.password", "file:" + passwordFile)) {
      assertNull(s.currentVersion());
    }
  }

  @Test
  void aCertificateForAnotherHostIsRejected() {
    // Same server, same CA; only the name in the URL differs from the certificate's.
    ConfigException e = assertThrows(ConfigException.class, () -> store(
        "rediss://127.0.0.1:" + tlsPort + "/0", "publish.redis.tls.ca_file", ca.toString(),
        "publish.redis.user", USER, "publish.redis.password", "file:" + passwordFile));
    assertTrue(e.getMessage().startsWith("Cannot reach the live pool store at rediss://127.0.0.1:"
        + tlsPort), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains("alternative"),
        e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD));
  }

  @Test
  void aCertificateFromAnotherCaIsRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> store(
        "rediss://localhost:" + tlsPort + "/0", "publish.redis.tls.ca_file", otherCa.toString(),
        "publish.redis.user", USER, "publish.redis.password", "file:" + passwordFile));
    assertTrue(e.getMessage().contains("publish.redis.tls.ca_file"), e.getMessage());
    // Without a CA file the JVM's trust store decides, and it does not know the test CA.
    assertThrows(ConfigException.class, () -> store("rediss://localhost:" + tlsPort + "/0",
        "publish.redis.user", USER, "publish.redis.password", "file:" + passwordFile));
  }

  @Test
  void withoutTheAclUserNameTheSamePasswordIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> store(
        "rediss://localhost:" + tlsPort + "/0", "publish.redis.tls.ca_file", ca.toString(),
        "publish.redis.password", "file:" + passwordFile));
    assertTrue(e.getMessage().startsWith("Cannot reach the live pool store"), e.getMessage());
    ConfigException noPassword = assertThrows(ConfigException.class, () -> store(
        "rediss://localhost:" + tlsPort + "/0", "publish.redis.user", USER));
    assertTrue(noPassword.getMessage().contains("publish.redis.password is not"),
        noPassword.getMessage());
  }

  @Test
  void aPasswordOverPlaintextRedisIsRefusedBeforeItIsRead() {
    // The password file does not exist: reading it would fail with another message.
    ConfigException e = assertThrows(ConfigException.class, () -> store(
        "redis://127.0.0.1:" + redis.port + "/0", "publish.redis.user", USER,
        "publish.redis.password", "file:" + dir.resolve("never-read.pw")));
    assertEquals("publish.redis.password would be sent in clear over redis://127.0.0.1:"
        + redis.port + "/0, where anyone on the path can read it: use a rediss:// URL (TLS), or "
        + "set publish.redis.allow_plaintext_auth=true to accept that", e.getMessage());
    // The operator who accepts it gets through, as the ACL user.
    try (RedisPoolStore s = store("redis://127.0.0.1:" + redis.port + "/0",
        "publish.redis.user", USER, "publish.redis.password", "file:" + passwordFile,
        "publish.redis.allow_plaintext_auth", "true")) {
      assertNull(s.currentVersion());
    }
    ConfigException unusedCa = assertThrows(ConfigException.class, () -> store(
        "redis://127.0.0.1:" + redis.port + "/0", "publish.redis.tls.ca_file", ca.toString()));
    assertTrue(unusedCa.getMessage().startsWith("publish.redis.tls.ca_file is set but"),
        unusedCa.getMessage());
  }
}
