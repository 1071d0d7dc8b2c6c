package io.ippipe.common.input;

import io.ippipe.common.error.RejectReason;

/**
 * Named fields of one structured record (a CSV row, a JSON object, a Parquet row). A value is a
 * String, a Number, a Boolean, null when absent, or any other object for a value of the wrong
 * shape (a JSON object or array where a scalar belongs).
 */
public interface FieldReader {
  Object get(String name);

  /** Whether values keep their source types (JSON): a port given as a string is then wrong. */
  boolean typed();

  /** The reject for a field of the wrong shape: a JSON type error, or a bad text value. */
  default <T> Parsed<T> wrongType(String field) {
    return Parsed.reject(typed() ? RejectReason.WRONG_JSON_TYPE : RejectReason.INVALID_FIELD_VALUE,
        field + " has the wrong type");
  }

  /** The first present field among aliases, or null. */
  default Object first(String... names) {
    for (String n : names) {
      Object v = get(n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
