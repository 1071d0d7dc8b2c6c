package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.Hex;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.SchemeKeys;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.jobs.encrypt.KeyLoader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * encrypt and decrypt end to end through the CLI on a generated, validated day: round trip to
 * the exact validated rows, no plaintext address in any output byte, no key in any log line,
 * rotation, and every bad-key case exiting 2 before anything is written.
 */
class EncryptJobTest {
  private static final String DATE = "2026-11-25";
  private static final String ALL_COLUMNS = "encrypt.columns=requests.client_ip:ipcrypt-pfx,"
      + "requests.proxy_ip:ipcrypt-deterministic,inventory.ip:ipcrypt-deterministic";

  @TempDir static Path dir;
  static Path lake;
  static Path masterKey;
  static String masterHex;

  @BeforeAll
  static void generateAndValidateADay() throws Exception {
    Path in = dir.resolve("in");
    lake = dir.resolve("lake");
    CliTest.Run g = CliTest.run("generate", "--date", DATE, "--proxies", "400", "--requests",
        "3000", "--out", in.toString());
    assertEquals(0, g.code(), g.err());
    CliTest.Run v = CliTest.run("validate", "--date", DATE, "--out", lake.toString(),
        "--inventory", in.resolve("inventory").toString(), "--requests", in.resolve("requests").toString());
    assertEquals(0, v.code(), v.err());
    masterKey = dir.resolve("keys/master.key");
    CliTest.Run k = CliTest.run("keygen", "--scheme", "master", "--out", masterKey.toString());
    assertEquals(0, k.code(), k.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(masterKey)));
    masterHex = Files.readString(masterKey).strip();
    assertTrue(masterHex.matches("[0-9a-f]{64}"));
    assertFalse(k.out().contains(masterHex), "keygen does not print the key");
  }

  static CliTest.Run encrypt(Path root, String... extra) {
    List<String> args = new ArrayList<>(List.of("encrypt", "--date", DATE, "--out", root.toString(),
        "--conf", "crypto.keys=k1=file:" + masterKey, "--conf", "encrypt.key_id=k1", "--conf", ALL_COLUMNS));
    args.addAll(List.of(extra));
    return CliTest.run(args.toArray(new String[0]));
  }

  /** A copy of the validated lake, so that each test encrypts into its own root. */
  static Path copyOfLake(String name) throws Exception {
    Path root = dir.resolve(name);
    try (var files = Files.walk(lake.resolve("validated"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = root.resolve(lake.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return root;
  }

  @Test
  void decryptRestoresTheValidatedRowsExactly() throws Exception {
    Path root = copyOfLake("roundtrip");
    CliTest.Run e = encrypt(root);
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("requests  3,0") || e.out().contains("requests"), e.out());
    SparkSession spark = SharedSpark.get();
    Dataset<Row> encrypted = spark.read().parquet(root + "/encrypted/requests/dt=" + DATE);
    assertEquals(Set.of("k1"), new HashSet<>(encrypted.select("key_id").distinct().as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    // pfx keeps the family; the derived fields follow the ciphertext, not the plaintext.
    for (Row r : encrypted.select("client_ip", "client_ip_version", "client_ip_bytes").collectAsList()) {
      IpAddress c = IpAddress.parse(r.getString(0));
      assertEquals(c.version(), r.getInt(1));
      assertEquals(Hex.encode(c.toBytes()), Hex.encode((byte[]) r.get(2)));
    }
    CliTest.Run d = CliTest.run("decrypt", "--date", DATE, "--out", root.toString(),
        "--conf", "crypto.keys=k1=file:" + masterKey);
    assertEquals(0, d.code(), d.err());
    for (String ds : new String[] {"inventory", "requests"}) {
      Dataset<Row> original = spark.read().parquet(root + "/validated/" + ds + "/dt=" + DATE);
      Dataset<Row> decrypted = spark.read().parquet(root + "/decrypted/" + ds + "/dt=" + DATE);
      String[] cols = original.columns();
      new JavaDataFrameSuiteBase().assertDataFrameEquals(
          sorted(original.select(cols[0], java.util.Arrays.copyOfRange(cols, 1, cols.length))),
          sorted(decrypted.select(cols[0], java.util.Arrays.copyOfRange(cols, 1, cols.length))),
          x -> scala.runtime.BoxedUnit.UNIT);
    }
  }

  private static Dataset<Row> sorted(Dataset<Row> d) {
    Dataset<Row> n = d.sparkSession().createDataFrame(d.javaRDD(), ValidateJobTest.nullable(d.schema()));
    return n.orderBy("source_file", "source_line");
  }

  /**
   * Parquet is written uncompressed here so that any plaintext would be visible as bytes, and
   * under a fixed key so that the ciphertext (and thus any chance 4-byte match) is the same on
   * every run. A plaintext copy written the same way (add mode) proves the scan finds addresses.
   */
  @Test
  void noPlaintextAddressInAnyOutputByteAndNoKeyInAnyLogLine() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path root = copyOfLake("leak");
    Set<String> plaintext = new HashSet<>();
    for (Row r : spark.read().parquet(root + "/validated/requests/dt=" + DATE)
        .select("client_ip", "proxy_ip").collectAsList()) {
      plaintext.add(r.getString(0));
      if (!r.isNullAt(1)) {
        plaintext.add(r.getString(1));
      }
    }
    for (Row r : spark.read().parquet(root + "/validated/inventory/dt=" + DATE).select("ip").collectAsList()) {
      plaintext.add(r.getString(0));
    }
    assertTrue(plaintext.size() > 400, "a realistic number of distinct addresses: " + plaintext.size());
    String fixedHex = "3f1e2d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778";
    Path fixedKey = ownerOnly(dir.resolve("keys/fixed.key"), fixedHex + "\n");
    String[] keyConf = {"--conf", "crypto.keys=k1=file:" + fixedKey};

    // A system property, because the CLI's session builder re-applies ippipe's defaults
    // (zstd) to the shared session unless SparkConf already carries the key.
    String codec = spark.conf().get("spark.sql.parquet.compression.codec");
    System.setProperty("spark.sql.parquet.compression.codec", "uncompressed");
    StringWriter logs = new StringWriter();
    CliTest.Run e;
    try {
      e = withDebugLogCapture(logs, () -> encrypt(root, concat(keyConf, "-v")));
      Path control = copyOfLake("leak-control");
      assertEquals(0, encrypt(control, concat(keyConf, "--mode", "add")).code());
      List<byte[]> needles = needles(plaintext);
      assertTrue(distinctFound(regularFiles(control.resolve("encrypted")), needles) >= plaintext.size(),
          "the scan finds the plaintext kept by add mode");
      List<Path> files = regularFiles(root.resolve("encrypted"));
      files.add(root.resolve("_metrics/dt=" + DATE + "/encrypt.json"));
      assertTrue(files.size() >= 4, "data files, manifests and metrics: " + files);
      assertEquals(0, e.code(), e.err());
      assertEquals(0, distinctFound(files, needles),
          "plaintext addresses (text or packed) found in encrypted outputs");
      List<byte[]> keyBytes = new ArrayList<>();
      for (String form : keyForms(fixedHex)) {
        keyBytes.add(form.getBytes(StandardCharsets.US_ASCII));
      }
      keyBytes.add(Hex.decode(fixedHex));
      assertEquals(0, distinctFound(files, keyBytes), "key material in outputs");
    } finally {
      System.clearProperty("spark.sql.parquet.compression.codec");
      spark.conf().set("spark.sql.parquet.compression.codec", codec);
    }
    String log = logs.toString();
    assertTrue(log.contains("DEBUG") && log.contains("encrypt " + DATE + " requests"),
        "the capture saw the run at DEBUG");
    for (String form : keyForms(fixedHex)) {
      assertFalse(log.contains(form), "key material in the logs");
      assertFalse(e.out().contains(form) || e.err().contains(form), "key material on the console");
    }
  }

  /** The key as hex (both cases) and Base64, and every scheme key derived from it, as hex. */
  private static List<String> keyForms(String hex) {
    List<String> forms = new ArrayList<>(List.of(hex, hex.toUpperCase(),
        Base64.getEncoder().encodeToString(Hex.decode(hex))));
    for (Scheme s : Scheme.values()) {
      forms.add(Hex.encode(SchemeKeys.derive(Hex.decode(hex), s)));
    }
    return forms;
  }

  /** Each address as text, as its 16-byte form and, for IPv4, its 4 packed bytes. */
  private static List<byte[]> needles(Set<String> plaintext) {
    List<byte[]> needles = new ArrayList<>();
    for (String ip : plaintext) {
      IpAddress a = IpAddress.parse(ip);
      needles.add(ip.getBytes(StandardCharsets.US_ASCII));
      needles.add(a.toBytes());
      if (a.version() == 4) {
        needles.add(java.nio.ByteBuffer.allocate(4).putInt((int) a.v4()).array());
      }
    }
    return needles;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static List<Path> regularFiles(Path root) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    return files;
  }

  /** How many of the needles occur in at least one of the files. */
  private static int distinctFound(List<Path> files, List<byte[]> needles) throws Exception {
    boolean[] found = new boolean[needles.size()];
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      for (int i = 0; i < needles.size(); i++) {
        found[i] |= !found[i] && indexOf(content, needles.get(i)) >= 0;
      }
    }
    int n = 0;
    for (boolean b : found) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void rotationDecryptsRowsOfSeveralKeyIdsInOneRun() throws Exception {
    Path second = dir.resolve("keys/second.key");
    assertEquals(0, CliTest.run("keygen", "--scheme", "master", "--out", second.toString()).code());
    Path a = copyOfLake("rot-a");
    Path b = copyOfLake("rot-b");
    assertEquals(0, encrypt(a).code());
    CliTest.Run eb = CliTest.run("encrypt", "--date", DATE, "--out", b.toString(), "--conf",
        "crypto.keys=k2=file:" + second, "--key-id", "k2", "--conf", ALL_COLUMNS);
    assertEquals(0, eb.code(), eb.err());
    // One table holding rows of both key ids, as after a mid-day rotation.
    Path mixed = dir.resolve("rot-mixed/encrypted/requests/dt=" + DATE);
    Files.createDirectories(mixed);
    int n = 0;
    for (Path root : new Path[] {a, b}) {
      try (var parts = Files.list(root.resolve("encrypted/requests/dt=" + DATE))) {
        for (Path p : (Iterable<Path>) parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))::iterator) {
          Files.copy(p, mixed.resolve("part-" + (n++) + ".parquet"));
        }
      }
    }
    Files.copy(a.resolve("encrypted/requests/dt=" + DATE + "/_encryption.json"), mixed.resolve("_encryption.json"));
    CliTest.Run d = CliTest.run("decrypt", "--date", DATE, "--out", dir.resolve("rot-mixed").toString(),
        "--dataset", "requests", "--conf", "crypto.keys=k1=file:" + masterKey + ",k2=file:" + second);
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().contains("[k1, k2]") || d.out().contains("[k2, k1]"), d.out());
    SparkSession spark = SharedSpark.get();
    Dataset<Row> plain = spark.read().parquet(lake + "/validated/requests/dt=" + DATE).select("client_ip", "proxy_ip");
    Dataset<Row> back = spark.read().parquet(dir.resolve("rot-mixed/decrypted/requests/dt=" + DATE).toString())
        .select("client_ip", "proxy_ip");
    assertEquals(2 * plain.count(), back.count());
    assertEquals(0, back.except(plain).count());

    // Without k2, the same table is refused before anything is written.
    CliTest.Run missing = CliTest.run("decrypt", "--date", DATE, "--out", dir.resolve("rot-mixed").toString(),
        "--dataset", "requests", "--conf", "crypto.keys=k1=file:" + masterKey);
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("key id 'k2', which is not in crypto.keys"), missing.err());
  }

  @Test
  void addModeKeepsPlaintextBesideAndNdNullsTheDerivedFields() throws Exception {
    Path root = copyOfLake("add");
    CliTest.Run e = encrypt(root, "--mode", "add", "--conf",
        "encrypt.columns=requests.client_ip:ipcrypt-nd,inventory.ip:cryptopan");
    assertEquals(0, e.code(), e.err());
    SparkSession spark = SharedSpark.get();
    Row r = spark.read().parquet(root + "/encrypted/requests/dt=" + DATE)
        .select("client_ip", "client_ip_enc", "key_id").first();
    assertTrue(r.getString(1).matches("[0-9a-f]{48}"), r.getString(1));
    assertEquals("k1", r.getString(2));
    IpAddress.parse(r.getString(0));

    Path replace = copyOfLake("nd");
    assertEquals(0, encrypt(replace, "--conf", "encrypt.columns=requests.client_ip:ipcrypt-ndx").code());
    Row n = spark.read().parquet(replace + "/encrypted/requests/dt=" + DATE)
        .select("client_ip", "client_ip_version", "client_ip_bytes").first();
    assertTrue(n.getString(0).matches("[0-9a-f]{64}"));
    assertNull(n.get(1));
    assertNull(n.get(2));
    CliTest.Run d = CliTest.run("decrypt", "--date", DATE, "--out", replace.toString(), "--dataset",
        "requests", "--conf", "crypto.keys=k1=file:" + masterKey);
    assertEquals(0, d.code(), d.err());
    Dataset<Row> original = spark.read().parquet(replace + "/validated/requests/dt=" + DATE)
        .select("client_ip", "client_ip_version", "client_ip_bytes", "source_file", "source_line");
    Dataset<Row> back = spark.read().parquet(replace + "/decrypted/requests/dt=" + DATE)
        .select("client_ip", "client_ip_version", "client_ip_bytes", "source_file", "source_line");
    assertEquals(0, original.except(back).count());
    assertEquals(original.count(), back.count());
  }

  @Test
  void badKeysExit2BeforeAnythingIsWritten() throws Exception {
    Path root = copyOfLake("badkeys");
    Path keys = dir.resolve("badkeys-keys");
    Files.createDirectories(keys);
    Path open = keys.resolve("open.key");
    Files.writeString(open, masterHex + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path notHex = ownerOnly(keys.resolve("nothex.key"), "this-is-not-a-key-at-all-not-at-all-0000000000000000000000000000");
    Path short16 = ownerOnly(keys.resolve("short.key"), "00112233445566778899aabbccddeeff");

    record Case(String name, String expected, String[] args) {}
    List<Case> cases = List.of(
        new Case("world-readable", "chmod 600", new String[] {"--conf", "crypto.keys=k1=file:" + open}),
        new Case("not hex", "is not a hex key", new String[] {"--conf", "crypto.keys=k1=file:" + notHex}),
        new Case("wrong length", "needs 32", new String[] {"--conf", "crypto.keys=k1=file:" + short16,
            "--conf", "crypto.key_derivation=none"}),
        new Case("missing key id", "No key with id 'k9'", new String[] {"--key-id", "k9"}),
        new Case("missing env", "IPPIPE_TEST_UNSET_KEY is not set", new String[] {"--conf",
            "crypto.keys=k1=env:IPPIPE_TEST_UNSET_KEY"}));
    for (Case c : cases) {
      CliTest.Run r = encrypt(root, c.args());
      assertEquals(2, r.code(), c.name() + ": " + r.err());
      assertTrue(r.err().contains(c.expected()), c.name() + ": " + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      assertFalse(r.err().contains(masterHex) || r.err().contains("this-is-not-a-key"), "no key text");
      assertFalse(Files.exists(root.resolve("encrypted")), c.name() + ": something was written");
    }
    // The wrong key on decrypt is caught by the check value, before writing.
    assertEquals(0, encrypt(root).code());
    Path other = dir.resolve("keys/other.key");
    assertEquals(0, CliTest.run("keygen", "--scheme", "master", "--out", other.toString()).code());
    CliTest.Run wrong = CliTest.run("decrypt", "--date", DATE, "--out", root.toString(),
        "--conf", "crypto.keys=k1=file:" + other);
    assertEquals(2, wrong.code(), wrong.err());
    assertTrue(wrong.err().contains("is not the key the data was encrypted with"), wrong.err());
    assertFalse(Files.exists(root.resolve("decrypted")));
  }

  @Test
  void credentialProviderKeysEqualFileKeys() throws Exception {
    Path store = dir.resolve("keys/ippipe.jceks");
    String provider = "jceks://file" + store.toAbsolutePath();
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set("hadoop.security.credential.provider.path", provider);
    var p = org.apache.hadoop.security.alias.CredentialProviderFactory.getProviders(conf).get(0);
    p.createCredentialEntry("ippipe.k1", masterHex.toCharArray());
    p.flush();
    PipelineConfig viaStore = PipelineConfig.of(Map.of(), Map.of("crypto.keys",
        "k1=credential:ippipe.k1", "crypto.credential_provider_path", provider));
    PipelineConfig viaFile = PipelineConfig.of(Map.of(), Map.of("crypto.keys", "k1=file:" + masterKey));
    assertEquals(KeyLoader.load(viaFile).checkValue("k1", Scheme.IPCRYPT_PFX),
        KeyLoader.load(viaStore).checkValue("k1", Scheme.IPCRYPT_PFX));
    PipelineConfig missing = PipelineConfig.of(Map.of(), Map.of("crypto.keys",
        "k1=credential:ippipe.nope", "crypto.credential_provider_path", provider));
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.ippipe.common.error.ConfigException.class, () -> KeyLoader.load(missing));
    assertTrue(e.getMessage().contains("alias ippipe.nope is not in the credential provider"), e.getMessage());
  }

  private static Path ownerOnly(Path p, String content) throws Exception {
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Runs an action with every logger at DEBUG, copying all log events into {@code sink}. */
  static <T> T withDebugLogCapture(StringWriter sink, java.util.function.Supplier<T> action) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    WriterAppender appender = WriterAppender.createAppender(
        PatternLayout.newBuilder().withPattern("%p %c %m%n%ex").build(), null, sink, "capture", false, true);
    appender.start();
    Map<LoggerConfig, Level> old = new java.util.HashMap<>();
    List<LoggerConfig> all = new ArrayList<>(config.getLoggers().values());
    all.add(config.getRootLogger());
    for (LoggerConfig lc : all) {
      old.put(lc, lc.getLevel());
      lc.addAppender(appender, Level.DEBUG, null);
      lc.setLevel(Level.DEBUG);
    }
    ctx.updateLoggers();
    try {
      return action.get();
    } finally {
      for (LoggerConfig lc : all) {
        lc.removeAppender("capture");
        lc.setLevel(old.get(lc));
      }
      ctx.updateLoggers();
      appender.stop();
    }
  }
}
