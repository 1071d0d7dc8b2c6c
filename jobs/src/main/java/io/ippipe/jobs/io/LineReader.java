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

  /** Returns a list of a file's first lines, for format detection and CSV headers. */
  public static List<String> head(Configuration conf, String file, int maxLines) throws Exception {
    Path path = new Path(file);
    org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
    org.apache.hadoop.io.compress.CompressionCodec codec =
        new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path);
    List<String> out = new ArrayList<>();
    try (java.io.InputStream raw = fs.open(path);
         java.io.InputStream in = codec == null ? raw : codec.createInputStream(raw);
         java.io.BufferedReader reader = new java.io.BufferedReader(
             new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
      // Cap the bytes read too: a first "line" of gigabytes must not fill the driver.
      char[] buf = new char[256 * 1024];
      int n = 0;
      while (n < buf.length) {
        int got;
        try {
          // A few KB at a time, so that a compressed file cut short (the tasks reject its cut
          // as TRUNCATED_INPUT) still shows the lines before the cut.
          got = reader.read(buf, n, Math.min(8192, buf.length - n));
        } catch (java.io.EOFException | java.util.zip.ZipException cut) {
          if (n == 0) {
            throw cut;
          }
          break;
        }
        if (got < 0) {
          break;
        }
        n += got;
      }
      if (n <= 0) {
        return out;
      }
      String chunk = new String(buf, 0, n);
      if (chunk.startsWith("\ufeff")) {
        chunk = chunk.substring(1);
      }
      for (String line : chunk.split("\r\n|\n|\r", -1)) {
        if (out.size() >= maxLines) {
          break;
        }
        out.add(line);
      }
    }
    return out;
  }
}
