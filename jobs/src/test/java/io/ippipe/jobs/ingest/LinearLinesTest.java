package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.config.Keys;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.input.TextLines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Every text format, with fields quoted, escaped, unquoted and made of '@'/'=' runs, at 10 B,
 * 6 KB, 64 KB, 1 MB and just under the line limit, through what a pass does with a line:
 * decode, parse (a failure is a PARSE_FAILURE reject), and the masked raw text a reject keeps
 * (taken for every line here, valid or not, so that masking is timed on every shape). Every
 * line must come out valid or rejected with a reason, and the cost per byte must not grow with
 * the length: a per-character recursion overflows the stack at a few KB, and a quadratic scan
 * costs 16 times more per byte at 1 MB than at 64 KB, and 64 times more just under the limit.
 * Only ratios of times are asserted, never a time.
 */
class LinearLinesTest {
  static final int MAX_LINE = Integer.parseInt(Keys.VALIDATE_MAX_LINE_LENGTH.defaultValue());
  static final int[] SIZES = {10, 6 << 10, 64 << 10, 1 << 20, MAX_LINE - 64};
  /**
   * Time per byte against a 6 KB line of the same shape, for 64 KB and 1 MB: linear code stays
   * near 1 (a few times more where the line outgrows the caches), quadratic code is at 10 and
   * 170.
   */
  static final double MAX_RATIO = 20;
  /**
   * Just under the limit (4 MB): allocating and touching several MB per line costs more per
   * byte again (G1 allocates such arrays in regions of their own); quadratic code is at 680.
   */
  static final double MAX_RATIO_NEAR_LIMIT = 40;
  static final int RUNS = 3;

  /** A format: a line around a field of the given content. */
  record Format(String name, LogFormat log, InventoryFormat inventory, CsvHeader header,
      String before, String after) {
    String line(String field) {
      return before + field + after;
    }
  }

  static List<Format> formats() {
    List<Format> f = new ArrayList<>();
    f.add(new Format("plain", null, InventoryFormat.PLAIN, null, "", "1.2.3.4:8080"));
    f.add(new Format("url", null, InventoryFormat.URL, null, "http://user:", "@1.2.3.4:8080"));
    f.add(new Format("status", null, InventoryFormat.STATUS, null, "1.2.3.4:8080 US-H-S ", ""));
    f.add(new Format("csv", null, InventoryFormat.CSV,
        new CsvHeader("ip,port,protocol,supplier,password"), "1.2.3.4,8080,http,", ",s3cret"));
    f.add(new Format("inventory jsonl", null, InventoryFormat.JSONL, null,
        "{\"ip\":\"1.2.3.4\",\"port\":8080,\"password\":\"s3cret\",\"supplier\":", "}"));
    f.add(new Format("squid", LogFormat.SQUID, null, null,
        "1764028800.123 5 1.2.3.4 TCP_MISS/200 100 GET http://t.example/",
        " - HIER_DIRECT/5.6.7.8 text/html"));
    f.add(new Format("clf", LogFormat.CLF, null, null,
        "1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] \"GET http://t.example/ HTTP/1.1\" 200 100 \"-\" ",
        ""));
    f.add(new Format("requests jsonl", LogFormat.JSONL, null, null,
        "{\"ts\":\"2026-11-25T10:00:00Z\",\"client_ip\":\"1.2.3.4\",\"status\":200,"
            + "\"target_host\":", "}"));
    return f;
  }

  /** Field shapes of n characters. */
  static List<Style> styles() {
    return List.of(
        new Style("unquoted", n -> "a".repeat(n)),
        new Style("quoted", n -> "\"" + "a".repeat(Math.max(0, n - 2)) + "\""),
        new Style("backslash-escaped", n -> "\"" + "\\\"".repeat(Math.max(0, n - 2) / 2) + "\""),
        new Style("doubled-quote-escaped", n -> "\"" + "\"\"".repeat(Math.max(0, n - 2) / 2) + "\""),
        new Style("'@'/'=' runs", n -> "@" + "= a@".repeat(Math.max(0, n - 1) / 4)));
  }

  record Style(String name, IntFunction<String> field) {}

  /** What a pass does with one line's bytes; returns the outcome's reason, null when valid. */
  static final class Pass {
    final TextLines.Decoder decoder = new TextLines.Decoder(MAX_LINE);
    final LogParser logs = new LogParser();
    final InventoryParser inventory = new InventoryParser(ProxyProtocol.HTTP);
    final RawText raw = new RawText(512);
    int rawLength;

    RejectReason line(Format f, byte[] bytes) {
      Parsed<String> text = decoder.decode(bytes, bytes.length);
      if (!text.isValid()) {
        rawLength += raw.of(bytes, bytes.length, MAX_LINE, f.header()).length();
        return text.reason();
      }
      RejectReason reason;
      try {
        if (f.log() != null) {
          reason = logs.parseLine(text.value(), f.log()).reason();
        } else {
          List<Parsed<io.ippipe.common.input.ProxyEndpoint>> all =
              inventory.parseLine(text.value(), f.inventory(), f.header());
          reason = all.get(0).reason();
        }
      } catch (RuntimeException | StackOverflowError e) {
        reason = RejectReason.PARSE_FAILURE;
      }
      rawLength += raw.of(text.value(), f.header()).length();
      return reason;
    }
  }

  /** The fastest of {@code runs} passes over the line, in nanoseconds. */
  static long best(Pass pass, Format f, byte[] line, int runs) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      pass.line(f, line);
      best = Math.min(best, System.nanoTime() - t);
    }
    return Math.max(1, best);
  }

  @Test
  void everyFormatAndFieldShapeIsAccountedForAtLinearCost() {
    Pass pass = new Pass();
    List<String> slow = new ArrayList<>();
    // Every shape's ratios (64 KB, 1 MB, near the limit), shown with a failure.
    List<String> table = new ArrayList<>();
    int read = 0;
    int valid = 0;
    int rejected = 0;
    for (Format f : formats()) {
      for (Style s : styles()) {
        String what = f.name() + ", " + s.name();
        byte[][] lines = new byte[SIZES.length][];
        for (int i = 0; i < SIZES.length; i++) {
          // The field is the size, except just under the limit, where the whole line is.
          int n = i == SIZES.length - 1 ? SIZES[i] - f.line("").length() : SIZES[i];
          lines[i] = f.line(s.field().apply(n)).getBytes(StandardCharsets.UTF_8);
          assertTrue(lines[i].length <= MAX_LINE, what + ": " + lines[i].length + " bytes");
          RejectReason reason = pass.line(f, lines[i]);
          read++;
          if (reason == null) {
            valid++;
          } else {
            rejected++;
            assertNotEquals(RejectReason.PARSE_FAILURE, reason, what + " at " + SIZES[i]);
            assertNotEquals(RejectReason.LINE_TOO_LONG, reason, what + " at " + SIZES[i]);
          }
        }
        // Warm-up: the JIT compiles the paths this shape takes before any of it is timed.
        best(pass, f, lines[1], 200);
        double base = (double) best(pass, f, lines[1], 200) / lines[1].length;
        StringBuilder row = new StringBuilder(what);
        for (int i = 2; i < SIZES.length; i++) {
          byte[] line = lines[i];
          double limit = i == SIZES.length - 1 ? MAX_RATIO_NEAR_LIMIT : MAX_RATIO;
          // A quadratic scan would take minutes to hours here: it is stopped well past the
          // ratio allowed (the bound only keeps a failing run short: 10 s at least, for a
          // thread start or a collection, and never decides a pass).
          long allowed = (long) (base * line.length * limit * RUNS * 10);
          long t = assertTimeoutPreemptively(Duration.ofNanos(Math.max(allowed, 10_000_000_000L)),
              () -> best(pass, f, line, line.length > 1 << 20 ? 2 : RUNS),
              what + " at " + line.length + " bytes");
          double ratio = t / (double) line.length / base;
          row.append(String.format(" %.1f", ratio));
          if (ratio > limit) {
            slow.add(String.format("%s at %d bytes: %.1fx the time per byte at 6 KB", what,
                line.length, ratio));
          }
        }
        table.add(row.toString());
      }
    }
    assertEquals(read, valid + rejected);
    assertEquals(formats().size() * styles().size() * SIZES.length, read);
    assertTrue(valid > 0 && rejected > 0, valid + " valid, " + rejected + " rejected");
    assertTrue(slow.isEmpty(), String.join("\n", slow) + "\nall ratios:\n"
        + String.join("\n", table));
  }
}
