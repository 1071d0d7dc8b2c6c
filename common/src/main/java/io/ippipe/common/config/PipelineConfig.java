package io.ippipe.common.config;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The effective configuration: built-in defaults, overridden by the config file, overridden by
 * the command line. Built from plain maps, so tests need no SparkSession; serialisable, so jobs
 * ship it to executors. Every value is parsed and checked at construction: a bad key or value
 * fails here, before any data is read.
 */
public final class PipelineConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, String> values;
  private final Map<String, String> origins;

  private PipelineConfig(Map<String, String> values, Map<String, String> origins) {
    this.values = values;
    this.origins = origins;
  }

  public static PipelineConfig defaults() {
    return of(Map.of(), Map.of());
  }

  /** Merges file values and CLI overrides (CLI wins); unknown keys and bad values throw. */
  public static PipelineConfig of(Map<String, String> fileValues, Map<String, String> cliValues) {
    TreeSet<String> unknown = new TreeSet<>();
    for (String k : fileValues.keySet()) {
      if (Keys.byName(k) == null) {
        unknown.add(k);
      }
    }
    for (String k : cliValues.keySet()) {
      if (Keys.byName(k) == null) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("Unknown config key(s): " + String.join(", ", unknown)
          + ". Known keys are listed with their defaults in conf/ippipe.conf");
    }
    Map<String, String> values = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    for (ConfigKey<?> key : Keys.all()) {
      String name = key.name();
      String value = key.defaultValue();
      String origin = "default";
      if (fileValues.containsKey(name)) {
        value = fileValues.get(name);
        origin = "file";
      }
      if (cliValues.containsKey(name)) {
        value = cliValues.get(name);
        origin = "cli";
      }
      try {
        key.parse(value);
      } catch (IllegalArgumentException e) {
        String shown = key.shown(value);
        throw new ConfigException("Invalid value for " + name + " (from " + origin + "): '" + shown
            + "', expected " + e.getMessage());
      }
      values.put(name, value);
      origins.put(name, origin);
    }
    return new PipelineConfig(values, origins);
  }

  /**
   * Reads {@code key = value} lines; {@code #} starts a comment line. A line without '=' or a
   * key given twice is an error that names the line.
   */
  public static Map<String, String> readFile(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + path + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("Invalid config line " + path + ":" + (i + 1)
            + ", expected key = value");
      }
      String key = line.substring(0, eq).strip();
      if (out.put(key, line.substring(eq + 1).strip()) != null) {
        throw new ConfigException("Invalid config file " + path + ":" + (i + 1) + ": key " + key
            + " is set twice");
      }
    }
    return out;
  }

  /**
   * Parses {@code key=value} CLI overrides. An argument without '=' is echoed only when it looks
   * like a key name: anything else may be a secret pasted in the wrong place.
   */
  public static Map<String, String> parseOverrides(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        if (Keys.byName(pair.strip()) != null) {
          throw new ConfigException("Invalid --conf " + pair.strip() + ", expected key=value");
        }
        throw new ConfigException("Invalid --conf argument, expected key=value (the argument is "
            + "not shown: it may be a secret)");
      }
      out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    return key.parse(values.get(key.name()));
  }

  /** A copy with some keys overridden, as CLI options do. */
  public PipelineConfig with(Map<String, String> overrides) {
    Map<String, String> file = new LinkedHashMap<>();
    Map<String, String> cli = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if ("cli".equals(origins.get(k))) {
        cli.put(k, v);
      } else if ("file".equals(origins.get(k))) {
        file.put(k, v);
      }
    });
    cli.putAll(overrides);
    return of(file, cli);
  }

  /** One line per key, {@code key = value (origin)}, secrets masked: the -v echo. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (ConfigKey<?> key : Keys.all()) {
      String v = key.shown(values.get(key.name()));
      out.add(key.name() + " = " + v + " (" + origins.get(key.name()) + ")");
    }
    return out;
  }

  /**
   * The effective value of every key {@code include} accepts, a secret as a digest of its value:
   * what a stage's done marker records, so that a rerun can say which setting changed.
   */
  public Map<String, String> effective(java.util.function.Predicate<String> include) {
    Map<String, String> out = new TreeMap<>();
    for (ConfigKey<?> key : Keys.all()) {
      if (include.test(key.name())) {
        String v = values.get(key.name());
        out.put(key.name(), key.secret() ? "sha256:" + sha256(v).substring(0, 16) : v);
      }
    }
    return out;
  }

  private static String sha256(String text) {
    try {
      StringBuilder hex = new StringBuilder();
      for (byte b : java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A short digest of every key's effective value (secrets masked): two runs with the same digest
   * ran with the same configuration. Recorded in the run metrics.
   */
  public String digest() {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (ConfigKey<?> key : Keys.all()) {
        String v = key.shown(values.get(key.name()));
        sha.update((key.name() + "=" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      StringBuilder hex = new StringBuilder();
      for (byte b : java.util.Arrays.copyOf(sha.digest(), 8)) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
