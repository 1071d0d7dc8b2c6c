package io.ippipe.common.error;

/** Process exit codes of every ippipe command; documented in README.md. */
public enum ExitCode {
  OK(0),
  RUNTIME_FAILURE(1),
  USAGE_OR_CONFIG(2),
  QUALITY_GATE(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
