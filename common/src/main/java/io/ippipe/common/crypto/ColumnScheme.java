package io.ippipe.common.crypto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One entry of encrypt.columns: which column of which dataset gets which scheme. */
public record ColumnScheme(String dataset, String column, Scheme scheme) {
  private static final Set<String> DATASETS = Set.of("inventory", "requests");

  /** Parses {@code dataset.column:scheme, ...}; IllegalArgumentException says what is expected. */
  public static List<ColumnScheme> parseList(String text) {
    List<ColumnScheme> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      String p = part.strip();
      int dot = p.indexOf('.');
      int colon = p.indexOf(':');
      if (dot <= 0 || colon < dot + 2) {
        throw new IllegalArgumentException("a list of dataset.column:scheme, e.g. "
            + "requests.client_ip:ipcrypt-pfx, with schemes " + Scheme.ids());
      }
      String dataset = p.substring(0, dot).strip();
      String column = p.substring(dot + 1, colon).strip();
      if (!DATASETS.contains(dataset)) {
        throw new IllegalArgumentException("datasets inventory or requests (got '" + dataset + "')");
      }
      if (!column.matches("[a-z_][a-z0-9_]*")) {
        throw new IllegalArgumentException("column names of a-z, 0-9 and '_' (got '" + column + "')");
      }
      Scheme scheme;
      try {
        scheme = Scheme.fromId(p.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("schemes " + Scheme.ids() + " (got '"
            + p.substring(colon + 1).strip() + "')");
      }
      if (!seen.add(dataset + "." + column)) {
        throw new IllegalArgumentException("each column once (" + dataset + "." + column + " is repeated)");
      }
      out.add(new ColumnScheme(dataset, column, scheme));
    }
    return out;
  }

  @Override
  public String toString() {
    return dataset + "." + column + ":" + scheme.id();
  }
}
