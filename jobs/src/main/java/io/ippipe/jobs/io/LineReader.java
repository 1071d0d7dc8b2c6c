package io.ippipe.jobs.io;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The first lines of an input file, read on the driver for format detection and CSV headers
 * (the data itself is read by ingest's tasks, {@code BoundedLineInputFormat}).
 */
public final class LineReader {
  private LineReader() {}

  /**
   * A file's first lines, for format detection and CSV headers. A compressed file whose data
   * breaks (cut short, corrupt, not of its codec) gives the lines before the break, none when
   * it breaks before its first line: its tasks reject the break as TRUNCATED_INPUT, so it must
   * not fail the run here. A failure of the file's stream itself still throws.
   */
  public static List<String> head(Configuration conf, String file, int maxLines) throws Exception {
    Path path = new Path(file);
    org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
    org.apache.hadoop.io.compress.CompressionCodec codec =
        new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path);
    List<String> out = new ArrayList<>();
    char[] buf = new char[256 * 1024];
    int n = 0;
    boolean broken = false;
    // Opened outside the catch below: a file that cannot be opened is no broken data.
    org.apache.hadoop.fs.FSDataInputStream raw = fs.open(path);
    try (raw) {
      long length = codec == null ? 0 : fs.getFileStatus(path).getLen();
      try (java.io.InputStream in = codec == null ? raw
          : codec.createInputStream(new SourceStream(raw, length, path))) {
        java.io.Reader reader = new java.io.InputStreamReader(in,
            java.nio.charset.StandardCharsets.UTF_8);
        // Cap the bytes read too: a first "line" of gigabytes must not fill the driver.
        while (n < buf.length) {
          // A few KB at a time, so that a compressed file broken further on still shows the
          // lines before the break.
          int got = reader.read(buf, n, Math.min(8192, buf.length - n));
          if (got < 0) {
            break;
          }
          n += got;
        }
      } catch (java.io.IOException | RuntimeException e) {
        if (codec == null) {
          throw e;
        }
        SourceStream.rethrowUnlessBrokenData(e);
        broken = true;
      }
    }
    if (n <= 0) {
      return out;
    }
    String chunk = new String(buf, 0, n);
    if (chunk.startsWith("\ufeff")) {
      chunk = chunk.substring(1);
    }
    String[] lines = chunk.split("\r\n|\n|\r", -1);
    // The line the break cut is no line the tasks read: detection must not see it.
    int whole = broken ? lines.length - 1 : lines.length;
    for (int i = 0; i < whole && out.size() < maxLines; i++) {
      out.add(lines[i]);
    }
    return out;
  }
}
