package io.ippipe.common.input;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The inventory input formats. Option text is the lower-case name; {@code auto} detects. */
public enum InventoryFormat {
  /** {@code a.b.c.d:port} or {@code [v6]:port}, one per line; {@code #} comments. */
  PLAIN,
  /** {@code scheme://[user:pass@]host:port[/]}, one per line. */
  URL,
  /** spys.me-style {@code IP:PORT CC-A[-S][!] [+|-]}, or {@code IP:PORT => success|failure}. */
  STATUS,
  /** CSV with a header naming at least ip (or host) and port. */
  CSV,
  /** One JSON object per line; a line holding a JSON array counts each element as a record. */
  JSONL,
  /** Parquet with columns ip (or host), port and optional attributes. */
  PARQUET;

  // Possessive wherever the next token cannot be matched by the repeated class, so that no
  // part of a sample line is tried twice; only "\\S+:" must give back to find its ':'.
  private static final Pattern URL_LINE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*+://.*");
  private static final Pattern STATUS_LINE =
      Pattern.compile("^\\S+:\\d++\\s++([A-Za-z]{2}-[NAH]|=>).*");
  private static final Pattern CSV_HEADER =
      Pattern.compile("(?i)(^|,)\\s*+\"?(ip|host|address|proxy_ip)\"?\\s*+(,|$)");
  private static final Pattern PLAIN_LINE =
      Pattern.compile("^(\\[[^\\]]*+\\]|[^\\s:]++):\\d++\\s*+$");

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses option text; null for {@code auto}. */
  public static InventoryFormat fromOption(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return null;
    }
    for (InventoryFormat f : values()) {
      if (f.text().equals(t)) {
        return f;
      }
    }
    throw new IllegalArgumentException(s);
  }

  /**
   * Guesses a text file's format from its first lines: each candidate line votes, the most votes
   * win. Returns null when no line looks like any format.
   */
  public static InventoryFormat detect(List<String> sample) {
    int[] votes = new int[values().length];
    boolean first = true;
    for (String raw : sample) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (first && line.indexOf(',') > 0 && CSV_HEADER.matcher(line).find()) {
        return CSV;
      }
      first = false;
      if (line.startsWith("{") || line.startsWith("[{") || line.startsWith("[ {")) {
        votes[JSONL.ordinal()]++;
      } else if (URL_LINE.matcher(line).matches()) {
        votes[URL.ordinal()]++;
      } else if (STATUS_LINE.matcher(line).matches()) {
        votes[STATUS.ordinal()]++;
      } else if (PLAIN_LINE.matcher(line).matches()) {
        votes[PLAIN.ordinal()]++;
      }
    }
    int best = -1;
    for (int i = 0; i < votes.length; i++) {
      if (votes[i] > 0 && (best < 0 || votes[i] > votes[best])) {
        best = i;
      }
    }
    return best < 0 ? null : values()[best];
  }
}
