package io.ippipe.common.error;

/**
 * Misconfiguration or bad usage, detected before any data is read; ends the run with exit 2.
 * The message says what to fix, and never carries secret values.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
