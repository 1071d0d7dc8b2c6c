package io.ippipe.jobs.io;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
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

  /** Values of {@code column} that are not null, from the footers' column statistics. */
  public static long nonNull(Configuration conf, String dir, String column) throws IOException {
    long n = 0;
    Path p = new Path(dir);
    for (FileStatus f : p.getFileSystem(conf).listStatus(p)) {
      String name = f.getPath().getName();
      if (!name.startsWith("part-") || !name.endsWith(".parquet")) {
        continue;
      }
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          ColumnChunkMetaData chunk = block.getColumns().stream()
              .filter(c -> c.getPath().toDotString().equals(column)).findFirst()
              .orElseThrow(() -> new IOException("No column " + column + " in " + f.getPath()));
          if (chunk.getStatistics() == null || chunk.getStatistics().isEmpty()
              && block.getRowCount() > 0) {
            throw new IOException("No statistics of " + column + " in " + f.getPath());
          }
          n += block.getRowCount() - chunk.getStatistics().getNumNulls();
        }
      }
    }
    return n;
  }

  public static long rows(Configuration conf, String dir) throws IOException {
    return rowsPerTask(conf, dir).values().stream().mapToLong(Long::longValue).sum();
  }
}
