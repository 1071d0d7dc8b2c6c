package io.ippipe.common.config;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
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
   * Reads a secret file after checking that nobody but the user running ippipe can read it or
   * make it say something else. {@code label} names the setting in every message, e.g.
   * "key 'k1': key file". The file must be
   * <ul>
   *   <li>a regular file, not a symbolic link: whoever can change the link chooses the secret,
   *       and a link's target escapes the checks below (set the path of the file itself; links
   *       higher up the path are resolved, and the directory they lead to is checked);
   *   <li>owned by the user running ippipe: another owner can rewrite it or open it up at will;
   *   <li>readable by its owner only (mode 0600 or 0400);
   *   <li>in a directory owned by that user or root that neither group nor others can write:
   *       whoever can write the directory can replace the file between this check and its use.
   * </ul>
   */
  public static String ownerOnlyFile(String label, Path file) {
    String cannot = "Cannot use " + label + " " + file;
    PosixFileAttributes attributes;
    int owner;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ConfigException(cannot + ": it does not exist");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      throw new ConfigException(cannot + ": cannot check its owner and permissions on this file "
          + "system; keep secrets on a POSIX file system");
    } catch (IOException e) {
      throw new ConfigException(cannot + ": cannot read it: " + e.getClass().getSimpleName());
    }
    if (attributes.isSymbolicLink()) {
      String target;
      try {
        target = Files.readSymbolicLink(file).toString();
      } catch (IOException e) {
        target = "unreadable";
      }
      throw new ConfigException(cannot + " is a symbolic link (to " + target
          + "); point the setting at the file itself");
    }
    if (!attributes.isRegularFile()) {
      throw new ConfigException(cannot + " is not a regular file");
    }
    int me = currentUid();
    if (owner != me) {
      throw new ConfigException(cannot + " is owned by uid " + owner
          + ", not by the user running ippipe (uid " + me + "); run: chown " + me + " " + file);
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(attributes.permissions());
    open.retainAll(GROUP_OR_OTHER);
    if (!open.isEmpty()) {
      throw new ConfigException(cannot + " is accessible to group or others (mode "
          + PosixFilePermissions.toString(attributes.permissions()) + "); run: chmod 600 " + file);
    }
    checkDirectory(cannot, file, me);
    // O_NOFOLLOW: a link swapped in after the checks is refused, not followed.
    try (var channel = Files.newByteChannel(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(cannot + ": cannot read it: " + e.getClass().getSimpleName());
    }
  }

  private static void checkDirectory(String cannot, Path file, int me) {
    Path given = file.toAbsolutePath().getParent();
    Path dir;
    PosixFileAttributes attributes;
    int owner;
    try {
      dir = given.toRealPath();
      attributes = Files.readAttributes(dir, PosixFileAttributes.class);
      owner = (Integer) Files.getAttribute(dir, "unix:uid");
    } catch (IOException e) {
      throw new ConfigException(cannot + ": cannot check its directory " + given + ": "
          + e.getClass().getSimpleName());
    }
    String shown = dir.equals(given) ? given.toString() : given + " (" + dir + ")";
    Set<PosixFilePermission> perms = attributes.permissions();
    if (perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new ConfigException(cannot + ": its directory " + shown
          + " is writable by group or others (mode " + PosixFilePermissions.toString(perms)
          + "), who could replace the file; run: chmod go-w " + dir);
    }
    if (owner != me && owner != 0) {
      throw new ConfigException(cannot + ": its directory " + shown + " is owned by uid " + owner
          + ", who could replace the file; keep secrets in a directory owned by you or root");
    }
  }

  /** The uid this JVM runs as (the owner of what it creates). */
  static int currentUid() {
    return (int) new com.sun.security.auth.module.UnixSystem().getUid();
  }
}
