package io.ippipe.common.input;

import io.ippipe.common.error.RejectReason;

/**
 * The outcome of parsing one record: a value, or a reject reason with a short detail. The detail
 * names what was wrong ("port 70000") and never repeats credentials or whole lines.
 */
public record Parsed<T>(T value, RejectReason reason, String detail) {

  public static <T> Parsed<T> ok(T value) {
    return new Parsed<>(value, null, null);
  }

  /** A reject; a detail that quotes input masks it first ({@code InventoryParser.quoted}). */
  public static <T> Parsed<T> reject(RejectReason reason, String detail) {
    return new Parsed<>(null, reason, detail);
  }

  public boolean isValid() {
    return reason == null;
  }

  /** Re-types a reject, for passing it up from a field parser to a record parser. */
  @SuppressWarnings("unchecked")
  public <U> Parsed<U> asReject() {
    if (reason == null) {
      throw new IllegalStateException("Cannot re-type a valid result as a reject");
    }
    return (Parsed<U>) this;
  }
}
