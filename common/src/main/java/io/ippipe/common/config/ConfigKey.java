package io.ippipe.common.config;

import java.io.Serializable;
import java.util.function.Function;

/**
 * One configuration key: its name, built-in default, what values it takes, and whether it can
 * hold a secret. A secret key's value is printed (in errors, the -v echo, digests) only through
 * {@link #shown}, which keeps what is safe to see (a reference such as {@code env:VAR}, a URL's
 * host) and masks the rest. All keys are declared in {@link Keys}.
 */
public final class ConfigKey<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Parses text into a value, or throws IllegalArgumentException with what is expected. */
  public interface Parser<T> extends Function<String, T>, Serializable {}

  /** What of a value may be printed. */
  public interface Mask extends Function<String, String>, Serializable {}

  static final String MASKED = "****";

  private final String name;
  private final String defaultValue;
  private final String doc;
  private final Parser<T> parser;
  private final Mask mask;

  /** {@code mask} null: not a secret, printed as it is. */
  ConfigKey(String name, String defaultValue, String doc, Parser<T> parser, Mask mask) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.parser = parser;
    this.mask = mask;
  }

  public String name() {
    return name;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public boolean secret() {
    return mask != null;
  }

  /** The value as it may be printed: a secret key's value masked. */
  public String shown(String value) {
    if (mask == null || value == null || value.isEmpty()) {
      return value;
    }
    return mask.apply(value);
  }

  T parse(String text) {
    return parser.apply(text);
  }
}
