package io.ippipe.common.config;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads secrets (keys, passwords) from where config points: a file only its owner can read, or
 * an environment variable. Messages name the source, never the secret.
 */
public final class Secrets {
  private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private Secrets() {}

  /**
   * The text of {@code env:VAR} or {@code file:PATH}, stripped. {@code what} names the setting in
   * messages, e.g. "publish.redis.password".
   */
  public static String read(String what, String spec) {
    if (spec.startsWith("env:")) {
      String variable = spec.substring(4);
      return fromEnv(what, variable, System.getenv(variable));
    }
    if (spec.startsWith("file:")) {
      return ownerOnlyFile(what + ": file", Path.of(spec.substring(5))).strip();
    }
    throw new ConfigException(what + " must be env:VAR or file:PATH (the secret itself is never "
        + "accepted in config or on the command line)");
  }

  /** {@code value}, the content of environment variable {@code variable}, stripped; blank fails. */
  public static String fromEnv(String what, String variable, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(what + ": environment variable " + variable + " is not set or empty");
    }
    return value.strip();
  }

  /**
   * Reads a file after checking that only its owner can read it. {@code label} prefixes every
   * message, e.g. "Key 'k1': key file".
   */
  public static String ownerOnlyFile(String label, Path file) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(label + " " + file + " does not exist");
    } catch (UnsupportedOperationException e) {
      throw new ConfigException(label + " " + file + ": cannot check its permissions on this file "
          + "system; keep secrets on a POSIX file system");
    } catch (IOException e) {
      throw new ConfigException(label + " " + file + ": cannot read: " + e.getClass().getSimpleName());
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(perms);
    open.retainAll(GROUP_OR_OTHER);
    if (!open.isEmpty()) {
      throw new ConfigException(label + " " + file + " is accessible to group or others (mode "
          + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(label + " " + file + ": cannot read: " + e.getClass().getSimpleName());
    }
  }
}
