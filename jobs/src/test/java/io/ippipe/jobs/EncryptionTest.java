package io.ippipe.jobs;

import static io.ippipe.jobs.TestLakes.DATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.Hex;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.SchemeKeys;
import io.ippipe.common.input.GatewayRequest;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.lake.Tables;
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
import java.util.zip.GZIPInputStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customer's address through the whole run: pseudonymised by ingest with a published
 * vector's result, absent from every byte under the lake (staging, metrics and rejects
 * included) in every form, decryptable by a key holder outside the lake only, with every key id
 * verified first; no key material in any output, log line or console.
 */
class EncryptionTest {
  @TempDir static Path dir;
  static Path input;
  static Path masterKey;
  static String masterHex;
  /** The customer addresses of the generated day, read from the raw log lines. */
  static Set<String> clients = new HashSet<>();

  @BeforeAll
  static void generateADay() throws Exception {
    input = dir.resolve("in");
    CliTest.Run g = CliTest.run("generate", "--date", DATE, "--proxies", "400", "--requests",
        "3000", "--inventory-format", "url", "--log-format", "squid", "--out", input.toString());
    assertEquals(0, g.code(), g.err());
    masterKey = dir.resolve("keys/master.key");
    CliTest.Run k = CliTest.run("keygen", "--scheme", "master", "--out", masterKey.toString());
    assertEquals(0, k.code(), k.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(masterKey)));
    masterHex = Files.readString(masterKey).strip();
    assertTrue(masterHex.matches("[0-9a-f]{64}"));
    assertFalse(k.out().contains(masterHex), "keygen does not print the key");
    LogParser parser = new LogParser();
    try (var files = Files.list(input.resolve("requests"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("part-"))::iterator) {
        for (String line : Files.readAllLines(f)) {
          // Rejected lines carry addresses too: take every field that is one.
          for (String field : line.split("\\s+")) {
            if (field.matches("[0-9a-fA-F:.]{7,}") && !field.matches("\\d+\\.\\d+")) {
              try {
                clients.add(IpAddress.parse(field).toString());
              } catch (RuntimeException notAnAddress) {
                // not an address
              }
            }
          }
          Parsed<GatewayRequest> p = parser.parseSquid(line);
          if (p.isValid() && p.value().proxyIp() != null) {
            clients.remove(p.value().proxyIp().toString());
          }
        }
      }
    }
    assertTrue(clients.size() >= 100, "a realistic number of customer addresses: " + clients.size());
  }

  static CliTest.Run run(Path lake, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--date", DATE, "--out", lake.toString(),
        "--inventory", input.resolve("inventory").toString(), "--requests",
        input.resolve("requests").toString(), "--conf", "crypto.keys=k1=file:" + masterKey,
        "--conf", "encrypt.key_id=k1", "--conf", "geo.sources=", "--conf", "validate.max_reject_rate=0.5"));
    args.addAll(List.of(extra));
    return CliTest.run(args.toArray(new String[0]));
  }

  @Test
  void noPlaintextCustomerAddressAnywhereUnderTheLakeAndNoKeyInAnyLogLine() throws Exception {
    Path lake = dir.resolve("lake-scan");
    // Uncompressed, so that a plaintext value would be readable bytes of the files. A system
    // property, because the CLI's session builder re-applies ippipe's defaults (zstd) to the
    // shared session unless SparkConf already carries the key.
    String codec = SharedSpark.get().conf().get("spark.sql.parquet.compression.codec");
    System.setProperty("spark.sql.parquet.compression.codec", "uncompressed");
    StringWriter logs = new StringWriter();
    CliTest.Run r;
    List<byte[]> needles = needles(clients);
    try {
      r = withDebugLogCapture(logs, () -> run(lake, "-v"));
      assertEquals(0, r.code(), r.err());
      // The control: the same scan finds them in what decrypt writes outside the lake.
      Path outside = dir.resolve("decrypted-control");
      CliTest.Run d = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(), "--into",
          outside.toString(), "--conf", "crypto.keys=k1=file:" + masterKey);
      assertEquals(0, d.code(), d.err());
      assertTrue(distinctFound(regularFiles(outside), needles) >= clients.size() / 2,
          "the scan finds the plaintext in decrypt's output");
    } finally {
      System.clearProperty("spark.sql.parquet.compression.codec");
      SharedSpark.get().conf().set("spark.sql.parquet.compression.codec", codec);
    }
    List<Path> files = regularFiles(lake);
    assertTrue(files.stream().anyMatch(f -> f.toString().contains("/requests/"))
        && files.stream().anyMatch(f -> f.toString().contains("/rejects/"))
        && files.stream().anyMatch(f -> f.toString().contains("/_metrics/")), "the lake: " + files);
    assertEquals(0, distinctFound(files, needles),
        "plaintext customer addresses (text or 16 bytes) under the lake");
    List<byte[]> keyBytes = new ArrayList<>();
    for (String form : keyForms(masterHex)) {
      keyBytes.add(form.getBytes(StandardCharsets.US_ASCII));
    }
    keyBytes.add(Hex.decode(masterHex));
    assertEquals(0, distinctFound(files, keyBytes), "key material under the lake");
    String log = logs.toString();
    assertTrue(log.contains("DEBUG") && log.contains("ingest " + DATE + " requests"),
        "the capture saw the run at DEBUG");
    for (String form : keyForms(masterHex)) {
      assertFalse(log.contains(form), "key material in the logs");
      assertFalse(r.out().contains(form) || r.err().contains(form), "key material on the console");
    }
  }

  /** ipcrypt-pfx's published vectors, through ingest itself: the table holds their outputs. */
  @Test
  void thePublishedPfxVectorsComeOutOfTheJob() throws Exception {
    JsonNode vectors = new ObjectMapper().readTree(TestLakes.shared()
        .resolve("specs/ipcrypt-vectors.json").toFile()).path("vectors");
    String keyHex = null;
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    for (JsonNode v : vectors) {
      if (v.path("variant").asText().equals("ipcrypt-pfx")) {
        if (keyHex == null) {
          keyHex = v.path("key_hex").asText();
        }
        if (v.path("key_hex").asText().equals(keyHex)
            && !IpAddress.parse(v.path("input_ip").asText()).toString().equals("0.0.0.0")) {
          expected.put(IpAddress.parse(v.path("input_ip").asText()).toString(),
              v.path("expected_output").asText());
        }
      }
    }
    assertTrue(expected.size() >= 3, expected.toString());
    Path key = ownerOnly(dir.resolve("keys/pfx-vector.key"), keyHex + "\n");
    StringBuilder log = new StringBuilder();
    for (String client : expected.keySet()) {
      log.append("1764028800.250 12 ").append(client)
          .append(" TCP_MISS/200 51 GET http://a/ - HIER_DIRECT/85.8.0.1 -\n");
    }
    Path logs = TestLakes.write(dir, "vectors/access.log", log.toString());
    Path lake = dir.resolve("lake-vectors");
    CliTest.Run r = CliTest.run("ingest", "--date", DATE, "--out", lake.toString(), "--requests",
        logs.toString(), "--conf", "crypto.keys=v=file:" + key, "--key-id", "v", "--conf",
        "crypto.key_derivation=none", "--conf", "geo.sources=");
    assertEquals(0, r.code(), r.err());
    Set<String> got = new HashSet<>();
    for (Row row : TestLakes.table(lake, Tables.REQUESTS).select("client_ip").collectAsList()) {
      got.add(row.getString(0));
    }
    assertEquals(new HashSet<>(expected.values()), got);
  }

  @Test
  void decryptRestoresTheAddressesOutsideTheLakeAndVerifiesEveryKeyId() throws Exception {
    Path lake = dir.resolve("lake-decrypt");
    assertEquals(0, run(lake).code());
    Path outside = dir.resolve("plain");
    CliTest.Run d = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(), "--into",
        outside.toString(), "--conf", "crypto.keys=k1=file:" + masterKey);
    assertEquals(0, d.code(), d.err());
    Set<String> back = new HashSet<>();
    for (Row row : SharedSpark.get().read().parquet(outside + "/requests/dt=" + DATE)
        .select("client_ip").collectAsList()) {
      back.add(row.getString(0));
    }
    assertTrue(clients.containsAll(back) && back.size() >= 90, back.size() + " addresses back");
    assertFalse(SharedSpark.get().read().parquet(outside + "/requests/dt=" + DATE)
        .schema().fieldNames().length == 0);

    // A written file gone before decrypt counts its output: refused, and no partial plaintext
    // copy is left behind.
    io.ippipe.jobs.run.Faults.at("decrypt.before-reconcile", TestLakes::deleteOneDataFile);
    CliTest.Run lost = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(), "--into",
        dir.resolve("plain-lost").toString(), "--conf", "crypto.keys=k1=file:" + masterKey);
    io.ippipe.jobs.run.Faults.clear();
    assertEquals(1, lost.code(), lost.err());
    assertTrue(lost.err().contains("Cannot reconcile decrypt"), lost.err());
    assertFalse(Files.exists(dir.resolve("plain-lost/requests/dt=" + DATE)));

    // Into the lake: refused unless the operator says so.
    CliTest.Run inside = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(), "--into",
        lake.resolve("decrypted").toString(), "--conf", "crypto.keys=k1=file:" + masterKey);
    assertEquals(2, inside.code(), inside.err());
    assertTrue(inside.err().contains("inside the lake"), inside.err());
    assertFalse(Files.exists(lake.resolve("decrypted")));

    // The wrong key for k1, and a key id the data never recorded: both refused before writing.
    Path other = dir.resolve("keys/other.key");
    assertEquals(0, CliTest.run("keygen", "--scheme", "master", "--out", other.toString()).code());
    CliTest.Run wrong = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(), "--into",
        dir.resolve("plain-wrong").toString(), "--conf", "crypto.keys=k1=file:" + other);
    assertEquals(2, wrong.code(), wrong.err());
    assertTrue(wrong.err().contains("is not the key the data was encrypted with"), wrong.err());
    assertFalse(Files.exists(dir.resolve("plain-wrong")));
    // A manifest that no longer lists k1 (as if a rotation dropped it): unverifiable, refused.
    Path manifest = lake.resolve("requests/dt=" + DATE + "/_encryption.json");
    String text = Files.readString(manifest);
    Files.deleteIfExists(manifest.resolveSibling("._encryption.json.crc"));
    Files.writeString(manifest, text.replace("\"k1\"", "\"k0\""));
    CliTest.Run unverifiable = CliTest.run("decrypt", "--date", DATE, "--out", lake.toString(),
        "--into", dir.resolve("plain-unverified").toString(), "--conf",
        "crypto.keys=k1=file:" + masterKey);
    assertEquals(2, unverifiable.code(), unverifiable.err());
    assertTrue(unverifiable.err().contains("records no check value"), unverifiable.err());
    assertFalse(Files.exists(dir.resolve("plain-unverified")));
    Files.writeString(manifest, text);
  }

  @Test
  void badKeysExit2BeforeAnythingIsWritten() throws Exception {
    Path keys = dir.resolve("badkeys-keys");
    Files.createDirectories(keys);
    Path open = keys.resolve("open.key");
    Files.writeString(open, masterHex + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path notHex = ownerOnly(keys.resolve("nothex.key"), "this-is-not-a-key-at-all-not-at-all-0000000000000000000000000000");
    Path short16 = ownerOnly(keys.resolve("short.key"), "00112233445566778899aabbccddeeff");
    Path link = Files.createSymbolicLink(keys.resolve("link.key"), masterKey);
    record Case(String name, String expected, String[] args) {}
    List<Case> cases = List.of(
        new Case("world-readable", "chmod 600", new String[] {"--conf", "crypto.keys=k1=file:" + open}),
        new Case("symbolic link", "is a symbolic link", new String[] {"--conf",
            "crypto.keys=k1=file:" + link}),
        new Case("not hex", "is not a hex key", new String[] {"--conf", "crypto.keys=k1=file:" + notHex}),
        new Case("wrong length", "needs 32", new String[] {"--conf", "crypto.keys=k1=file:" + short16,
            "--conf", "crypto.key_derivation=none"}),
        new Case("missing key id", "No key with id 'k9'", new String[] {"--conf", "encrypt.key_id=k9"}),
        new Case("no key id", "encrypt.key_id is not set", new String[] {"--conf", "encrypt.key_id="}),
        new Case("missing env", "IPPIPE_TEST_UNSET_KEY is not set", new String[] {"--conf",
            "crypto.keys=k1=env:IPPIPE_TEST_UNSET_KEY"}));
    for (Case c : cases) {
      Path lake = dir.resolve("badkeys-" + c.name().replace(' ', '-'));
      CliTest.Run r = run(lake, c.args());
      assertEquals(2, r.code(), c.name() + ": " + r.err());
      assertTrue(r.err().contains(c.expected()), c.name() + ": " + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      assertFalse(r.err().contains(masterHex) || r.err().contains("this-is-not-a-key"), "no key text");
      assertFalse(Files.exists(lake.resolve("requests")), c.name() + ": something was written");
    }
  }

  @Test
  void credentialProviderKeysEqualFileKeys() throws Exception {
    String provider = keyStore("ippipe.jceks");
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration(
        SharedSpark.get().sparkContext().hadoopConfiguration());
    // A missing alias never falls back to a clear-text property of its name.
    hadoop.set("ippipe.nope", masterHex);
    PipelineConfig viaStore = PipelineConfig.of(Map.of(), Map.of("crypto.keys",
        "k1=credential:ippipe.k1", "crypto.credential_provider_path", provider));
    PipelineConfig viaFile = PipelineConfig.of(Map.of(), Map.of("crypto.keys", "k1=file:" + masterKey));
    assertEquals(KeyLoader.load(hadoop, viaFile).checkValue("k1", Scheme.IPCRYPT_PFX),
        KeyLoader.load(hadoop, viaStore).checkValue("k1", Scheme.IPCRYPT_PFX));
    PipelineConfig missing = PipelineConfig.of(Map.of(), Map.of("crypto.keys",
        "k1=credential:ippipe.nope", "crypto.credential_provider_path", provider));
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.ippipe.common.error.ConfigException.class, () -> KeyLoader.load(hadoop, missing));
    assertTrue(e.getMessage().contains("alias ippipe.nope is not in the credential provider"), e.getMessage());
  }

  /**
   * The store is read through the run's Hadoop configuration: its file system is the one that
   * configuration names (a store on HDFS needs the cluster's settings, and the file system made
   * first for a scheme is cached for the whole JVM, the session's included).
   */
  @Test
  void credentialStoresAreReadThroughTheRunsHadoopConfiguration() throws Exception {
    String provider = keyStore("through-run.jceks");
    org.apache.hadoop.conf.Configuration run = new org.apache.hadoop.conf.Configuration(false);
    run.setClass("fs.file.impl", CountingLocalFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    run.setBoolean("fs.file.impl.disable.cache", true);
    int before = CountingLocalFileSystem.OPENS.get();
    KeyLoader.load(run, PipelineConfig.of(Map.of(), Map.of("crypto.keys",
        "k1=credential:ippipe.k1", "crypto.credential_provider_path", provider)));
    assertTrue(CountingLocalFileSystem.OPENS.get() > before, "the store was not read through "
        + "the run's file system");
  }

  /** A jceks store under the test's folder holding the master key as ippipe.k1: its provider path. */
  private static String keyStore(String name) throws Exception {
    String provider = "jceks://file" + dir.resolve("keys/" + name).toAbsolutePath();
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set("hadoop.security.credential.provider.path", provider);
    // Its own file system, not the JVM's cached one: the session's must stay the session's.
    conf.setBoolean("fs.file.impl.disable.cache", true);
    var p = org.apache.hadoop.security.alias.CredentialProviderFactory.getProviders(conf).get(0);
    p.createCredentialEntry("ippipe.k1", masterHex.toCharArray());
    p.flush();
    return provider;
  }

  /** A local file system that counts the files it opens. */
  public static final class CountingLocalFileSystem extends org.apache.hadoop.fs.LocalFileSystem {
    static final java.util.concurrent.atomic.AtomicInteger OPENS =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public org.apache.hadoop.fs.FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize)
        throws java.io.IOException {
      OPENS.incrementAndGet();
      return super.open(f, bufferSize);
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

  /** Each address as text and as its 16-byte form (how the tables store addresses). */
  private static List<byte[]> needles(Set<String> plaintext) {
    List<byte[]> needles = new ArrayList<>();
    for (String ip : plaintext) {
      needles.add(ip.getBytes(StandardCharsets.US_ASCII));
      needles.add(IpAddress.parse(ip).toBytes());
    }
    return needles;
  }

  private static List<Path> regularFiles(Path root) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    return files;
  }

  /** How many of the needles occur in at least one of the files (gzip files read unzipped). */
  private static int distinctFound(List<Path> files, List<byte[]> needles) throws Exception {
    boolean[] found = new boolean[needles.size()];
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      if (f.toString().endsWith(".gz")) {
        content = new GZIPInputStream(new java.io.ByteArrayInputStream(content)).readAllBytes();
      }
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

  private static Path ownerOnly(Path p, String content) throws Exception {
    Files.createDirectories(p.getParent());
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
