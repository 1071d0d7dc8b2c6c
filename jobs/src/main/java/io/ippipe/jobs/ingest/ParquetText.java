package io.ippipe.jobs.ingest;

import io.ippipe.common.input.Redaction;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** A Parquet input row as the text a reject keeps: {@code key=value} pairs, credentials masked. */
final class ParquetText {
  private ParquetText() {}

  static String describe(Map<String, Object> values, int maxValueChars) {
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, Object>> it = new TreeMap<>(values).entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Object> e = it.next();
      Object v = e.getValue();
      // Masked whole, then cut: a cut before the last '@' of a URL's user info would leave
      // its start unmasked.
      String text = v == null ? null : Redaction.mask(v.toString());
      if (text != null && text.length() > maxValueChars) {
        text = text.substring(0, maxValueChars);
      }
      sb.append(e.getKey()).append('=')
          .append(Redaction.isSecretName(e.getKey()) && v != null ? Redaction.MASK : text);
      if (it.hasNext()) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }
}
