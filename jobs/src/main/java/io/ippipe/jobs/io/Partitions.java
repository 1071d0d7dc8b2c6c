package io.ippipe.jobs.io;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Finds committed {@code dt=D} partitions of a table. */
public final class Partitions {
  private Partitions() {}

  /**
   * The latest date before {@code date}, at most {@code lookbackDays} earlier, whose partition
   * holds Spark's {@code _SUCCESS} marker (a partition without it was never committed).
   */
  public static Optional<LocalDate> latestBefore(Configuration conf, String table, LocalDate date,
      int lookbackDays) throws IOException {
    Path dir = new Path(table);
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    LocalDate best = null;
    LocalDate earliest = date.minusDays(lookbackDays);
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (!s.isDirectory() || !name.startsWith("dt=")) {
        continue;
      }
      LocalDate d;
      try {
        d = LocalDate.parse(name.substring(3));
      } catch (DateTimeParseException e) {
        continue;
      }
      if (d.isBefore(date) && !d.isBefore(earliest) && (best == null || d.isAfter(best))
          && fs.exists(new Path(s.getPath(), "_SUCCESS"))) {
        best = d;
      }
    }
    return Optional.ofNullable(best);
  }

  public static boolean exists(Configuration conf, String dir) throws IOException {
    Path p = new Path(dir);
    return p.getFileSystem(conf).exists(p);
  }
}
