package io.ippipe.jobs.ingest;

import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.Redaction;
import java.nio.charset.StandardCharsets;

/** The raw text a reject keeps: decoded leniently, printable, masked, then cut. */
final class RawText {
  /**
   * Kept instead of the text when masking it failed: a reject must still be written (every line
   * is accounted for), and unmasked text must never be.
   */
  static final String WITHHELD = "[raw text withheld: masking failed]";

  private final int maxChars;

  RawText(int maxChars) {
    this.maxChars = maxChars;
  }

  /**
   * From the line's bytes, for lines that did not decode (bad UTF-8, too long). A line longer
   * than {@code maxBytes} keeps its first {@code maxBytes} only, and its last token is dropped:
   * the cut may have fallen inside a credential before the '@' that marks it, so masking could
   * not tell it from plain text.
   */
  String of(byte[] bytes, int length, int maxBytes, CsvHeader header) {
    try {
      String text = new String(bytes, 0, Math.min(length, maxBytes), StandardCharsets.UTF_8);
      return masked(length > maxBytes ? Redaction.dropLastToken(text) : text, header);
    } catch (RuntimeException | StackOverflowError e) {
      return WITHHELD;
    }
  }

  /**
   * The whole line is masked before it is cut, so that a cut never splits a credential or an
   * address past its mask (an over-long line arrives here already cut at the line limit, far
   * beyond what is kept).
   */
  String of(String line, CsvHeader header) {
    try {
      return masked(line, header);
    } catch (RuntimeException | StackOverflowError e) {
      return WITHHELD;
    }
  }

  private String masked(String line, CsvHeader header) {
    String printable = printable(line);
    String masked = header != null ? header.redact(printable) : printable;
    return Redaction.maskAndTruncate(masked, maxChars);
  }

  /** Control characters would garble terminals and CSV exports of the rejects: shown as '?'. */
  static String printable(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, '?');
      }
    }
    return sb == null ? s : sb.toString();
  }
}
