package io.ippipe.common.input;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 field splitting for one line: quoted fields, doubled quotes inside them. Hand-written
 * because a record never spans lines here (each line is accounted on its own) and this is all of
 * CSV that the inventory and range files use.
 */
public final class Csv {
  private Csv() {}

  /** Splits a line; returns null when a quote is left open (a malformed line). */
  public static List<String> split(String line, char delimiter) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == delimiter) {
        fields.add(wasQuoted ? field.toString() : field.toString().trim());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    fields.add(wasQuoted ? field.toString() : field.toString().trim());
    return fields;
  }
}
