package io.ippipe.jobs.io;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Row counts of a written partition from its Parquet footers alone, by the task that wrote each
 * file ({@code part-NNNNN-...}): how ingest proves what it committed without reading the rows.
 */
public final class Footers {
  private Footers() {}

  public static Map<Integer, Long> rowsPerTask(Configuration conf, String dir) throws IOException {
    Map<Integer, Long> out = new TreeMap<>();
    Path p = new Path(dir);
    for (FileStatus f : p.getFileSystem(conf).listStatus(p)) {
      String name = f.getPath().getName();
      if (!name.startsWith("part-") || !name.endsWith(".parquet")) {
        continue;
      }
      int task = Integer.parseInt(name.substring(5, name.indexOf('-', 5)));
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
        out.merge(task, reader.getRecordCount(), Long::sum);
      }
    }
    return out;
  }

  public static long rows(Configuration conf, String dir) throws IOException {
    return rowsPerTask(conf, dir).values().stream().mapToLong(Long::longValue).sum();
  }
}
