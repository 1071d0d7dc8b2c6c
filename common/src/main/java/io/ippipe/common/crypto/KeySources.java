package io.ippipe.common.crypto;

import io.ippipe.common.error.ConfigException;




import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where key bytes come from: {@code file:PATH} (hex; owned by the user running ippipe, mode
 * 0600 or stricter, no symbolic link, in a directory only its owner or root can write: see
 * {@link io.ippipe.common.config.Secrets#ownerOnlyFile}), {@code env:VAR}
 * (hex) or {@code credential:ALIAS} (a Hadoop credential provider, resolved by the jobs module,
 * which has Hadoop). Keys are never accepted inline in config or on the command line, where
 * they would end up in shell history, process lists and logs.
 */
public final class KeySources {
  /** One entry of crypto.keys: {@code id=kind:location}. */
  public record Spec(String id, String kind, String location) {
    @Override
    public String toString() {
      return id + "=" + kind + ":" + location;
    }
  }


  private KeySources() {}

  /** Parses {@code id=kind:location, ...}; throws IllegalArgumentException saying what is expected. */
  public static List<Spec> parse(String text) {
    List<Spec> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      int colon = p.indexOf(':', Math.max(eq, 0));
      if (eq <= 0 || colon < 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException(
            "a list of id=file:PATH, id=env:VAR or id=credential:ALIAS, e.g. k2026=file:/etc/ippipe/k2026.key");
      }
      String id = p.substring(0, eq).strip();
      String kind = p.substring(eq + 1, colon).strip();
      if (!id.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("key ids of letters, digits, '_', '.' or '-' (at most 64)");
      }
      if (!kind.equals("file") && !kind.equals("env") && !kind.equals("credential")) {
        throw new IllegalArgumentException("key sources file:, env: or credential: (inline keys "
            + "are not accepted)");
      }
      if (!seen.add(id)) {
        throw new IllegalArgumentException("each key id once (" + id + " is repeated)");
      }
      out.add(new Spec(id, kind, p.substring(colon + 1).strip()));
    }
    return out;
  }

  /**
   * Loads every spec. {@code credentials} resolves credential aliases (null when the caller
   * has no credential provider). Errors name the key id and source, never the content.
   */
  public static Map<String, byte[]> load(List<Spec> specs, Function<Spec, char[]> credentials) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Spec spec : specs) {
      out.put(spec.id(), load(spec, credentials));
    }
    return out;
  }

  public static byte[] load(Spec spec, Function<Spec, char[]> credentials) {
    return switch (spec.kind()) {
      case "file" -> fromFile(spec.id(), Path.of(spec.location()));
      case "env" -> fromEnv(spec.id(), spec.location(), System.getenv(spec.location()));
      case "credential" -> {
        if (credentials == null) {
          throw new ConfigException("Key '" + spec.id() + "': credential: keys need "
              + "crypto.credential_provider_path");
        }
        char[] value = credentials.apply(spec);
        yield decode(spec.id(), "credential " + spec.location(), new String(value));
      }
      default -> throw new ConfigException("Key '" + spec.id() + "': unknown source " + spec.kind());
    };
  }

  /** Reads a hex key file after checking that only its owner can read it. */
  public static byte[] fromFile(String id, Path file) {
    String text = io.ippipe.common.config.Secrets.ownerOnlyFile("key '" + id + "': key file", file);
    return decode(id, "file " + file, text);
  }

  static byte[] fromEnv(String id, String variable, String value) {
    String text = io.ippipe.common.config.Secrets.fromEnv("Key '" + id + "'", variable, value);
    return decode(id, "environment variable " + variable, text);
  }

  /** Hex text (surrounding whitespace ignored) to bytes; the message never contains the text. */
  public static byte[] decode(String id, String source, String text) {
    String hex = text.strip();
    if (hex.isEmpty()) {
      throw new ConfigException("Key '" + id + "' (" + source + ") is empty");
    }
    try {
      return Hex.decode(hex);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Key '" + id + "' (" + source + ") is not a hex key: "
          + e.getMessage() + "; write it with ippipe keygen");
    }
  }

  /** Mode 0600, as keygen creates key files. */
  public static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }
}
