package io.ippipe.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.RejectReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

  @Test
  void cliBeatsFileBeatsDefault() {
    PipelineConfig c = PipelineConfig.of(
        Map.of("validate.max_reject_rate", "0.2", "validate.reject_raw_chars", "100"),
        Map.of("validate.max_reject_rate", "0.3"));
    assertEquals(0.3, c.get(Keys.VALIDATE_MAX_REJECT_RATE));
    assertEquals(100, c.get(Keys.VALIDATE_REJECT_RAW_CHARS));
    assertEquals(4194304, c.get(Keys.VALIDATE_MAX_LINE_LENGTH));
  }

  @Test
  void unknownKeysAreNamed() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PipelineConfig.of(Map.of("validate.max_rejects", "1"), Map.of("nope", "x")));
    assertEquals("Unknown config key(s): nope, validate.max_rejects. Known keys are listed with "
        + "their defaults in conf/ippipe.conf", e.getMessage());
  }

  @Test
  void invalidValuesNameKeyValueAndExpectation() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PipelineConfig.of(Map.of(), Map.of("validate.max_reject_rate", "1.5")));
    assertEquals("Invalid value for validate.max_reject_rate (from cli): '1.5', expected a number "
        + "from 0.0 to 1.0", e.getMessage());
    ConfigException f = assertThrows(ConfigException.class,
        () -> PipelineConfig.of(Map.of("validate.inventory.format", "xml"), Map.of()));
    assertTrue(f.getMessage().contains("'xml', expected one of auto, plain, url, status, csv, jsonl, parquet"),
        f.getMessage());
  }

  @Test
  void fileLinesWithoutEqualsOrTwiceSetFail(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "# comment\nvalidate.max_reject_rate = 0.1\nvalidate.max_reject_rate = 0.2\n");
    ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.readFile(file));
    assertTrue(e.getMessage().endsWith("bad.conf:3: key validate.max_reject_rate is set twice"), e.getMessage());
    Files.writeString(file, "oops\n");
    e = assertThrows(ConfigException.class, () -> PipelineConfig.readFile(file));
    assertTrue(e.getMessage().endsWith("bad.conf:1, expected key = value"), e.getMessage());
  }

  @Test
  void shippedConfFileHasEveryKeyWithItsDefault() {
    // Surefire runs in the module folder; the shipped config is at the repository root.
    Path conf = Path.of("../conf/ippipe.conf");
    Map<String, String> file = PipelineConfig.readFile(conf);
    for (ConfigKey<?> key : Keys.all()) {
      assertEquals(key.defaultValue(), file.get(key.name()), key.name());
    }
    assertEquals(Keys.all().size(), file.size());
  }

  @Test
  void serializableForExecutors() throws Exception {
    PipelineConfig c = PipelineConfig.of(Map.of(), Map.of("generate.seed", "7"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    PipelineConfig back = (PipelineConfig) new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertEquals(7L, back.get(Keys.GENERATE_SEED));
    assertEquals(c.describe(), back.describe());
  }

  @Test
  void describeShowsOrigin() {
    List<String> lines = PipelineConfig.of(Map.of(), Map.of("generate.seed", "7")).describe();
    assertTrue(lines.contains("generate.seed = 7 (cli)"), lines.toString());
    assertTrue(lines.contains("validate.max_reject_rate = 0.05 (default)"), lines.toString());
  }

  @Test
  void everyKeyThatCanHoldASecretIsFlaggedAndPrintedMasked() {
    Set<String> secret = new java.util.TreeSet<>();
    for (ConfigKey<?> key : Keys.all()) {
      if (key.secret()) {
        secret.add(key.name());
      }
    }
    assertEquals(new java.util.TreeSet<>(SECRET_KEYS), secret);
    // References to secrets are shown, anything else in their place is not.
    assertEquals("env:REDIS_PW", Keys.PUBLISH_REDIS_PASSWORD.shown("env:REDIS_PW"));
    assertEquals("****", Keys.PUBLISH_REDIS_PASSWORD.shown("hunter2"));
    assertEquals("****", Keys.PROBE_CREDENTIALS.shown("supplier.acme = alice:pw"));
    assertEquals("k1=file:/k", Keys.CRYPTO_KEYS.shown("k1=file:/k"));
    assertEquals("****", Keys.CRYPTO_KEYS.shown("k1=00112233445566778899aabbccddeeff"));
    // URLs: the user info up to the last '@' (passwords may hold '@' and '/').
    assertEquals("redis://****@h:1/0", Keys.PUBLISH_REDIS_URL.shown("redis://u:p@s/s@h:1/0"));
    assertEquals("redis://h:1/0", Keys.PUBLISH_REDIS_URL.shown("redis://h:1/0"));
    assertEquals("http://****@j/judge", Keys.PROBE_JUDGE_URL.shown("http://u:pw@j/judge"));
    assertEquals("****", Keys.PROBE_JUDGE_URL.shown("u:pw@j/judge"));
    assertEquals("file:/etc/ippipe/judge.key", Keys.PROBE_JUDGE_KEY.shown("file:/etc/ippipe/judge.key"));
    assertEquals("****", Keys.PROBE_JUDGE_KEY.shown("00112233445566778899aabbccddeeff"));
    ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.of(Map.of(),
        Map.of("crypto.keys", "k1=00112233445566778899aabbccddeeff")));
    assertTrue(e.getMessage().startsWith("Invalid value for crypto.keys (from cli): '****'"),
        e.getMessage());
    List<String> echo = PipelineConfig.of(Map.of(), Map.of("publish.redis.password", "hunter2",
        "publish.redis.url", "redis://u:hunter2@h:1/0")).describe();
    assertTrue(echo.contains("publish.redis.password = **** (cli)"), echo.toString());
    assertTrue(echo.contains("publish.redis.url = redis://****@h:1/0 (cli)"), echo.toString());
    ConfigException conf = assertThrows(ConfigException.class,
        () -> PipelineConfig.parseOverrides(List.of("00112233445566778899aabbccddeeff")));
    assertTrue(!conf.getMessage().contains("0011") && conf.getMessage().contains("key=value"),
        conf.getMessage());
  }

  /** The keys that can hold a secret or a reference to one, or a URL with user info. */
  static final List<String> SECRET_KEYS = List.of("crypto.keys", "probe.credentials",
      "probe.judge_key", "probe.judge_url", "publish.redis.password", "publish.redis.url");

  /**
   * A test-only switch reachable from a config file or --conf is a production switch: no key
   * may be one. What tests need from production code is an operator setting (probe.allow_networks)
   * or an in-JVM hook (Faults).
   */
  @Test
  void noConfigKeyIsATestOnlySwitch() {
    for (ConfigKey<?> key : Keys.all()) {
      assertFalse(key.name().contains("test.") || key.name().contains("test_"), key.name());
      assertFalse(key.doc().toUpperCase(java.util.Locale.ROOT).contains("TEST ONLY"), key.name());
    }
    for (Map<String, String> where : List.<Map<String, String>>of(
        Map.of("probe.test.allow_special_purpose", "true"))) {
      ConfigException file = assertThrows(ConfigException.class, () -> PipelineConfig.of(where,
          Map.of()));
      assertTrue(file.getMessage().startsWith("Unknown config key(s): "
          + "probe.test.allow_special_purpose"), file.getMessage());
      assertThrows(ConfigException.class, () -> PipelineConfig.of(Map.of(), where));
    }
    assertEquals("127.0.0.0/8", PipelineConfig.of(Map.of(), Map.of("probe.allow_networks",
        "127.0.0.0/8")).get(Keys.PROBE_ALLOW_NETWORKS).toString());
    ConfigException bad = assertThrows(ConfigException.class, () -> PipelineConfig.of(Map.of(),
        Map.of("probe.allow_networks", "loopback")));
    assertTrue(bad.getMessage().startsWith("Invalid value for probe.allow_networks (from cli)"),
        bad.getMessage());
  }

  @Test
  void rejectReasonCodesAreUnique() {
    Set<Integer> codes = new HashSet<>();
    Arrays.stream(RejectReason.values()).forEach(r -> assertTrue(codes.add(r.code()), r.name()));
  }
}
