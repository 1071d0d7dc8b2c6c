package io.ippipe.jobs.cli;

import io.ippipe.common.crypto.Hex;
import io.ippipe.common.crypto.KeySources;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.SchemeKeys;
import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Write a new random key as hex to a file created with mode 0600.",
        "--scheme master writes a 32-byte master key for crypto.key_derivation=hkdf."})
final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--scheme", required = true,
      description = "master, or a scheme: ipcrypt-deterministic, ipcrypt-pfx, ipcrypt-nd, ipcrypt-ndx, cryptopan.")
  String scheme;

  @Option(names = "--out", required = true, description = "The key file to create.")
  Path out;

  @Option(names = "--force", description = "Replace an existing key file (the old key is lost).")
  boolean force;

  @Override
  public Integer call() throws Exception {
    int length;
    if (scheme.equalsIgnoreCase("master")) {
      length = 32;
    } else {
      try {
        length = Scheme.fromId(scheme).keyBytes();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage() + ", or master");
      }
    }
    byte[] key = new byte[length];
    SecureRandom random = new SecureRandom();
    do {
      random.nextBytes(key);
      // ipcrypt-pfx refuses equal halves; a random 32-byte key has them with probability 2^-128.
    } while (length == 32 && Arrays.equals(key, 0, 16, key, 16, 32));
    byte[] text = (Hex.encode(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    String check = SchemeKeys.checkValue(key);
    Arrays.fill(key, (byte) 0);
    Path parent = out.toAbsolutePath().getParent();
    // A directory keygen creates is the owner's alone: key files are refused in a directory
    // that group or others can write, whatever the umask.
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp = Files.createTempFile(parent, ".keygen", ".tmp", KeySources.ownerOnly());
    try {
      try (OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        os.write(text);
      }
      if (force) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.createLink(out, tmp);
        } catch (FileAlreadyExistsException e) {
          throw new ConfigException("Key file " + out + " exists; keep it, or pass --force to replace it");
        }
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot write key file " + out + ": " + e.getMessage());
    } finally {
      Arrays.fill(text, (byte) 0);
      Files.deleteIfExists(tmp);
    }
    System.out.println("wrote a " + length + "-byte " + (scheme.equalsIgnoreCase("master") ? "master"
        : scheme) + " key to " + out + " (mode 0600, check value " + check + ")");
    return 0;
  }
}
