package io.ippipe.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.DynamicTest;

/**
 * Every published vector in ../shared/data/specs, forward and back, through the text layer that
 * the jobs and the ip tools use.
 */
class PublishedVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode spec(String name) throws IOException {
    return JSON.readTree(TestData.shared().resolve("specs").resolve(name).toFile());
  }

  @TestFactory
  Stream<DynamicTest> ipcryptDraftVectors() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : spec("ipcrypt-vectors.json").get("vectors")) {
      Scheme scheme = Scheme.fromId(v.get("variant").asText());
      byte[] key = Hex.decode(v.get("key_hex").asText());
      String input = v.get("input_ip").asText();
      String expected = v.get("expected_output").asText();
      TweakSource tweak = v.has("tweak_hex")
          ? TweakSource.fixed(Hex.decode(v.get("tweak_hex").asText())) : null;
      String name = scheme.id() + " " + input + " -> " + expected;
      tests.add(DynamicTest.dynamicTest(name, () -> {
        for (IpCiphers.Options options : allOptions(tweak)) {
          TextCipher c = new TextCipher(IpCiphers.create(scheme, key, options), 16);
          assertEquals(expected, c.encrypt(input), "encrypt " + options);
          assertEquals(input, c.decrypt(expected), "decrypt " + options);
          // twice, so that the result and prefix caches answer the second time
          assertEquals(expected, c.encrypt(input), "cached encrypt " + options);
          assertEquals(input, c.decrypt(expected), "cached decrypt " + options);
        }
      }));
    }
    assertEquals(25, tests.size(), "the draft appendix has 25 vectors");
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> cryptoPanReferenceTraceAndIpv6() throws IOException {
    JsonNode doc = spec("cryptopan-vectors.json");
    List<DynamicTest> tests = new ArrayList<>();
    for (String set : new String[] {"reference_sample_trace", "ipv6_canonical_key"}) {
      JsonNode s = doc.get(set);
      byte[] key = Hex.decode(s.get("key_hex").asText());
      List<String[]> pairs = new ArrayList<>();
      s.get("pairs").forEach(p -> pairs.add(new String[] {p.get("original").asText(),
          p.get("anonymized").asText()}));
      tests.add(DynamicTest.dynamicTest(set + " (" + pairs.size() + " pairs)", () -> {
        for (IpCiphers.Options options : allOptions(null)) {
          TextCipher c = new TextCipher(IpCiphers.create(Scheme.CRYPTOPAN, key, options), 64);
          for (String[] p : pairs) {
            assertEquals(p[1], c.encrypt(p[0]), "encrypt " + p[0] + " " + options);
            assertEquals(p[0], c.decrypt(p[1]), "decrypt " + p[1] + " " + options);
          }
        }
      }));
    }
    assertEquals(70, doc.get("reference_sample_trace").get("pairs").size());
    return tests.stream();
  }

  @Test
  void ipv4MappedInputEqualsIpv4InEveryScheme() {
    for (Scheme scheme : Scheme.values()) {
      byte[] key = new byte[scheme.keyBytes()];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) (i * 7 + 1);
      }
      TweakSource tweak = TweakSource.fixed(new byte[Math.max(1, scheme.tweakBytes())]);
      IpCiphers.Options o = new IpCiphers.Options(true, 16, scheme.tweakBytes() > 0 ? tweak : null);
      TextCipher a = new TextCipher(IpCiphers.create(scheme, key, o), 0);
      TextCipher b = new TextCipher(IpCiphers.create(scheme, key, o), 0);
      assertEquals(a.encrypt("192.0.2.1"), b.encrypt("::ffff:192.0.2.1"), scheme.id());
    }
  }

  @Test
  void kiasuWithZeroTweakIsAes() throws Exception {
    java.util.Random random = new java.util.Random(5);
    for (int n = 0; n < 200; n++) {
      byte[] key = new byte[16];
      byte[] block = new byte[16];
      random.nextBytes(key);
      random.nextBytes(block);
      javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"));
      byte[] expected = aes.doFinal(block);
      byte[] actual = new byte[16];
      KiasuBc k = new KiasuBc(key);
      k.encrypt(new byte[8], 0, block, 0, actual, 0);
      assertEquals(Hex.encode(expected), Hex.encode(actual));
      byte[] back = new byte[16];
      k.decrypt(new byte[8], 0, actual, 0, back, 0);
      assertEquals(Hex.encode(block), Hex.encode(back));
    }
  }

  @Test
  void ndOutputIsLowercaseHexOfTweakAndCiphertext() {
    TextCipher c = new TextCipher(IpCiphers.create(Scheme.IPCRYPT_ND, new byte[16]), 0);
    String out = c.encrypt("10.1.2.3");
    assertTrue(out.matches("[0-9a-f]{48}"), out);
    TextCipher x = new TextCipher(IpCiphers.create(Scheme.IPCRYPT_NDX, new byte[32]), 0);
    assertTrue(x.encrypt("2001:db8::1").matches("[0-9a-f]{64}"));
    assertEquals("2001:db8::1", x.decrypt(x.encrypt("2001:db8::1")));
  }

  /** Batched and textbook loops, with and without the prefix cache. */
  static List<IpCiphers.Options> allOptions(TweakSource tweak) {
    return List.of(new IpCiphers.Options(true, 1024, tweak), new IpCiphers.Options(true, 0, tweak),
        new IpCiphers.Options(false, 0, tweak), new IpCiphers.Options(false, 4, tweak));
  }
}
