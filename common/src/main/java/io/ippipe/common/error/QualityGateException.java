package io.ippipe.common.error;

/** A data-quality gate was breached after outputs and metrics were written; exit 3. */
public class QualityGateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QualityGateException(String message) {
    super(message);
  }
}
