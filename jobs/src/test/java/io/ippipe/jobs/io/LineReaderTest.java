package io.ippipe.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's look at a file's first lines, for format detection and CSV headers. */
class LineReaderTest {
  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  @Test
  void aCompressedFileThatCannotBeOpenedThrowsLikeAnyOther(@TempDir Path dir) {
    // The catch for broken data took the failed open of a .gz too: detection then guessed a
    // format for a file it never read, and every line of it was rejected for the night.
    for (String name : new String[] {"missing.log.gz", "missing.log"}) {
      assertThrows(java.io.FileNotFoundException.class, () -> LineReader.head(
          new Configuration(false), "file:" + dir.resolve(name), 50), name);
    }
  }

  @Test
  void aBrokenCompressedFileGivesOnlyItsWholeLines(@TempDir Path dir) throws Exception {
    // Cut inside a long first line: that unfinished line fooled detection into "no format".
    byte[] longFirst = gzip("203.0.113.5:8080 # " + "x".repeat(200_000) + "\n198.51.100.1:80\n");
    Path cut = dir.resolve("cut.txt.gz");
    Files.write(cut, Arrays.copyOf(longFirst, longFirst.length / 2));
    assertEquals(0, LineReader.head(new Configuration(false), "file:" + cut, 50).size(),
        "lines kept of a file broken inside its first line");

    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("line ").append(i).append('\n');
    }
    byte[] lines = gzip(text.toString());
    Files.write(cut, Arrays.copyOf(lines, lines.length / 2));
    List<String> head = LineReader.head(new Configuration(false), "file:" + cut, 1_000_000);
    for (int i = 0; i < head.size(); i++) {
      assertEquals("line " + i, head.get(i));
    }
  }
}
