package io.ippipe.common.config;

import java.io.Serializable;
import java.util.function.Function;

/**
 * One configuration key: its name, built-in default, what values it takes, and whether it is a
 * secret (masked whenever config is printed). All keys are declared in {@link Keys}.
 */
public final class ConfigKey<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Parses text into a value, or throws IllegalArgumentException with what is expected. */
  public interface Parser<T> extends Function<String, T>, Serializable {}

  private final String name;
  private final String defaultValue;
  private final String doc;
  private final Parser<T> parser;
  private final boolean secret;

  ConfigKey(String name, String defaultValue, String doc, Parser<T> parser, boolean secret) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.parser = parser;
    this.secret = secret;
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
    return secret;
  }

  T parse(String text) {
    return parser.apply(text);
  }
}
