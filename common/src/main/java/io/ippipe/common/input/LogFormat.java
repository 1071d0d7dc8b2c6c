package io.ippipe.common.input;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The gateway log formats. Option text is the lower-case name; {@code auto} detects. */
public enum LogFormat {
  /** Squid native access.log: {@code time elapsed client code/status bytes method URL ident hier/peer type}. */
  SQUID,
  /** Common or Combined Log Format, optionally with a trailing quoted upstream {@code "ip:port"}. */
  CLF,
  /** One JSON object per line. */
  JSONL,
  /** Parquet with the columns of {@code validated/requests}' inputs. */
  PARQUET;

  // Possessive wherever the next token cannot be matched by the repeated class, so that no
  // part of a sample line is tried twice; only "\\S+/" must give back to find its '/'.
  private static final Pattern SQUID_LINE =
      Pattern.compile("^\\d{9,11}+\\.\\d{1,6}+\\s++\\d++\\s++\\S++\\s++\\S+/\\d{3}\\s.*");
  private static final Pattern CLF_LINE =
      Pattern.compile("^\\S++ \\S++ \\S++ \\[[^\\]]++\\] \"[^\"]*+\" .*");

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LogFormat fromOption(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return null;
    }
    for (LogFormat f : values()) {
      if (f.text().equals(t)) {
        return f;
      }
    }
    throw new IllegalArgumentException(s);
  }

  /** Most votes among the sample lines win; null when no line looks like any format. */
  public static LogFormat detect(List<String> sample) {
    int squid = 0;
    int clf = 0;
    int json = 0;
    for (String raw : sample) {
      String line = raw.strip();
      if (line.startsWith("{")) {
        json++;
      } else if (SQUID_LINE.matcher(line).matches()) {
        squid++;
      } else if (CLF_LINE.matcher(line).matches()) {
        clf++;
      }
    }
    if (squid == 0 && clf == 0 && json == 0) {
      return null;
    }
    if (squid >= clf && squid >= json) {
      return SQUID;
    }
    return clf >= json ? CLF : JSONL;
  }
}
