package io.ippipe.common.input;

import io.ippipe.common.error.RejectReason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw bytes of one input line into text, or into a reject: invalid UTF-8, NUL and other
 * control characters, over-long lines and blank lines. A UTF-8 byte-order mark and a trailing CR
 * (CRLF files) are dropped, since editors and Windows tools add them to otherwise good files.
 */
public final class TextLines {
  private TextLines() {}

  /** Decodes strictly. Not thread-safe through the decoder: one instance per task. */
  public static final class Decoder {
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final int maxLength;

    public Decoder(int maxLength) {
      this.maxLength = maxLength;
    }

    public Parsed<String> decode(byte[] bytes, int length) {
      if (length > maxLength) {
        return Parsed.reject(RejectReason.LINE_TOO_LONG, length + " bytes > " + maxLength);
      }
      int start = 0;
      if (length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
          && (bytes[2] & 0xff) == 0xbf) {
        start = 3;
      }
      int end = length;
      if (end > start && bytes[end - 1] == '\r') {
        end--;
      }
      String text;
      try {
        CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes, start, end - start));
        text = chars.toString();
      } catch (CharacterCodingException e) {
        return Parsed.reject(RejectReason.INVALID_ENCODING, "invalid UTF-8");
      }
      return checkText(text);
    }
  }

  /** The checks that apply to text from any source: control characters and blank lines. */
  public static Parsed<String> checkText(String text) {
    boolean blank = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return Parsed.reject(RejectReason.INVALID_ENCODING,
            String.format("control character 0x%02x at column %d", (int) c, i + 1));
      }
      if (c > ' ' && c != '\u00a0' && c != '\ufeff') {
        blank = false;
      }
    }
    if (blank) {
      return Parsed.reject(RejectReason.BLANK_LINE, null);
    }
    return Parsed.ok(text);
  }
}
