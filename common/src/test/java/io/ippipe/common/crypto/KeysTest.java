package io.ippipe.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
  private static final String KEY16 = "00112233445566778899aabbccddeeff";

  @TempDir Path dir;

  @Test
  void hkdfMatchesRfc5869() {
    byte[] ikm = new byte[22];
    java.util.Arrays.fill(ikm, (byte) 0x0b);
    byte[] salt = Hex.decode("000102030405060708090a0b0c");
    byte[] info = Hex.decode("f0f1f2f3f4f5f6f7f8f9");
    byte[] prk = SchemeKeys.extract(salt, ikm);
    assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", Hex.encode(prk));
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        Hex.encode(SchemeKeys.expand(prk, info, 42)));
    // Test case 3: no salt, no info.
    assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        Hex.encode(SchemeKeys.expand(SchemeKeys.extract(new byte[0], ikm), new byte[0], 42)));
  }

  @Test
  void derivedKeysDifferPerSchemeAndHaveTheSchemeLength() {
    byte[] master = Hex.decode(KEY16 + KEY16);
    KeyRing ring = new KeyRing(Map.of("m", master), KeyRing.Derivation.HKDF);
    for (Scheme s : Scheme.values()) {
      assertEquals(s.keyBytes(), ring.schemeKey("m", s).length);
    }
    assertNotEquals(Hex.encode(ring.schemeKey("m", Scheme.IPCRYPT_PFX)),
        Hex.encode(ring.schemeKey("m", Scheme.IPCRYPT_NDX)));
    assertFalse(ring.toString().contains(KEY16));
  }

  @Test
  void ownerOnlyKeyFileLoads() throws Exception {
    Path f = keyFile("k.key", KEY16 + "\n", "rw-------");
    assertArrayEquals(Hex.decode(KEY16), KeySources.fromFile("k1", f));
  }

  @Test
  void groupOrWorldReadableKeyFileIsRefused() throws Exception {
    for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--"}) {
      Path f = keyFile("open-" + mode + ".key", KEY16, mode);
      ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", f));
      assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
      assertFalse(e.getMessage().contains(KEY16));
    }
  }

  @Test
  void notHexAndWrongLengthSayWhatIsWrongWithoutTheKey() throws Exception {
    String secretish = "zz112233445566778899aabbccddeeff";
    Path f = keyFile("bad.key", secretish, "rw-------");
    ConfigException notHex = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", f));
    assertTrue(notHex.getMessage().contains("not a hex key"), notHex.getMessage());
    assertFalse(notHex.getMessage().contains(secretish));

    KeyRing ring = new KeyRing(Map.of("k1", Hex.decode(KEY16)), KeyRing.Derivation.NONE);
    ConfigException length = assertThrows(ConfigException.class,
        () -> ring.schemeKey("k1", Scheme.IPCRYPT_PFX));
    assertTrue(length.getMessage().contains("needs 32"), length.getMessage());
    assertFalse(length.getMessage().contains(KEY16));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ring.schemeKey("k9", Scheme.IPCRYPT_DETERMINISTIC));
    assertTrue(missing.getMessage().contains("k9") && missing.getMessage().contains("[k1]"));
  }

  @Test
  void pfxRefusesEqualKeyHalves() {
    KeyRing ring = new KeyRing(Map.of("k1", Hex.decode(KEY16 + KEY16)), KeyRing.Derivation.NONE);
    ConfigException e = assertThrows(ConfigException.class,
        () -> ring.cipher("k1", Scheme.IPCRYPT_PFX, IpCiphers.Options.defaults()));
    assertTrue(e.getMessage().contains("halves are equal"), e.getMessage());
  }

  @Test
  void environmentKeysAndSpecs() {
    assertArrayEquals(Hex.decode(KEY16), KeySources.fromEnv("k", "V", " " + KEY16 + "\n"));
    assertThrows(ConfigException.class, () -> KeySources.fromEnv("k", "V", null));
    List<KeySources.Spec> specs = KeySources.parse("a=file:/x/y.key, b=env:B_KEY,c=credential:ippipe.c");
    assertEquals(List.of("a", "b", "c"), specs.stream().map(KeySources.Spec::id).toList());
    assertEquals("/x/y.key", specs.get(0).location());
    assertThrows(IllegalArgumentException.class, () -> KeySources.parse("a=hex:" + KEY16));
    assertThrows(IllegalArgumentException.class, () -> KeySources.parse("a=env:X,a=env:Y"));
  }

  @Test
  void checkValueIdentifiesTheKeyWithoutRevealingIt() {
    KeyRing a = new KeyRing(Map.of("k", Hex.decode(KEY16)), KeyRing.Derivation.NONE);
    KeyRing b = new KeyRing(Map.of("k", Hex.decode(KEY16.replace('0', '1'))), KeyRing.Derivation.NONE);
    String cv = a.checkValue("k", Scheme.IPCRYPT_DETERMINISTIC);
    assertTrue(cv.matches("[0-9a-f]{8}"));
    assertFalse(KEY16.contains(cv));
    assertNotEquals(cv, b.checkValue("k", Scheme.IPCRYPT_DETERMINISTIC));
  }

  /**
   * What tasks receive is the derived key of the key id in use: the whole ring, with its master
   * keys and other ids, refuses to be serialized, and the ring only() makes carries none of them.
   */
  @Test
  void onlyTheDerivedKeyOfTheKeyIdInUseCanLeaveTheDriver() throws Exception {
    byte[] master = Hex.decode(KEY16 + KEY16);
    byte[] other = Hex.decode(KEY16.replace('0', '7') + KEY16);
    KeyRing ring = new KeyRing(Map.of("k1", master, "k2", other), KeyRing.Derivation.HKDF);
    java.io.NotSerializableException refused = assertThrows(java.io.NotSerializableException.class,
        () -> serialize(ring));
    assertTrue(refused.getMessage().contains("keys.only"), refused.getMessage());
    assertFalse(refused.getMessage().contains(KEY16));

    KeyRing tasks = ring.only(Scheme.IPCRYPT_PFX, List.of("k1"));
    byte[] bytes = serialize(tasks);
    String hex = Hex.encode(bytes);
    assertFalse(hex.contains(Hex.encode(master)), "no master key");
    assertFalse(hex.contains(Hex.encode(other)), "no other key id");
    assertTrue(hex.contains(Hex.encode(ring.schemeKey("k1", Scheme.IPCRYPT_PFX))),
        "the derived key of the id in use");
    KeyRing back = (KeyRing) new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))
        .readObject();
    assertEquals(java.util.Set.of("k1"), back.ids());
    assertEquals(ring.checkValue("k1", Scheme.IPCRYPT_PFX), back.checkValue("k1", Scheme.IPCRYPT_PFX));
    // Handed on by a task, the ring still travels: it holds nothing more.
    serialize(back);
  }

  private static byte[] serialize(Object o) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  /** The uid that owns what this test creates: the user running ippipe. */
  private int myUid() throws Exception {
    return (Integer) Files.getAttribute(dir, "unix:uid");
  }

  @Test
  void keyFileOwnedBySomeoneElseIsRefused() throws Exception {
    Path theirs;
    if (myUid() == 0) {
      theirs = keyFile("theirs.key", KEY16, "rw-------");
      Files.setAttribute(theirs, "unix:uid", 65534);
    } else {
      // Not root: a file root owns stands in; the owner is checked before the mode.
      theirs = Path.of("/etc/passwd");
    }
    ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", theirs));
    assertTrue(e.getMessage().startsWith("Cannot use key 'k1': key file " + theirs + " is owned by uid "),
        e.getMessage());
    assertTrue(e.getMessage().contains("not by the user running ippipe (uid " + myUid() + ")"),
        e.getMessage());
    assertFalse(e.getMessage().contains(KEY16));
  }

  @Test
  void symlinkedKeyFileIsRefusedButASymlinkedDirectoryIsResolved() throws Exception {
    Path real = keyFile("real.key", KEY16, "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), real);
    ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", link));
    assertEquals("Cannot use key 'k1': key file " + link + " is a symbolic link (to " + real
        + "); point the setting at the file itself", e.getMessage());
    // A link higher up the path is resolved, and the directory it leads to is what is checked.
    Path keys = Files.createDirectory(dir.resolve("keys"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.writeString(keys.resolve("k.key"), KEY16);
    Files.setPosixFilePermissions(keys.resolve("k.key"), PosixFilePermissions.fromString("rw-------"));
    Path keysLink = Files.createSymbolicLink(dir.resolve("keys-link"), keys);
    assertArrayEquals(Hex.decode(KEY16), KeySources.fromFile("k1", keysLink.resolve("k.key")));
  }

  @Test
  void keyFileInADirectoryOthersCanWriteIsRefused() throws Exception {
    for (String mode : new String[] {"rwxrwx---", "rwx---rwx", "rwxrwxrwx"}) {
      Path open = Files.createDirectory(dir.resolve("open-" + mode));
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString(mode));
      Path f = open.resolve("k.key");
      Files.writeString(f, KEY16);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", f));
      assertEquals("Cannot use key 'k1': key file " + f + ": its directory " + open
          + " is writable by group or others (mode " + mode + "), who could replace the file; "
          + "run: chmod go-w " + open, e.getMessage());
    }
    if (myUid() == 0) {
      Path theirs = Files.createDirectory(dir.resolve("theirs"));
      Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path f = keyFile("theirs/k.key", KEY16, "rw-------");
      Files.setAttribute(theirs, "unix:uid", 65534);
      ConfigException e = assertThrows(ConfigException.class, () -> KeySources.fromFile("k1", f));
      assertTrue(e.getMessage().contains("its directory " + theirs + " is owned by uid 65534"),
          e.getMessage());
    }
  }

  private Path keyFile(String name, String content, String mode) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }
}
