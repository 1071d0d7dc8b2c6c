package io.ippipe.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *
 * <p>The footers are read on the driver, each file once, {@link #READERS} at a time: a day of
 * thousands of files on HDFS or an object store costs a round trip per footer, which one at a
 * time would make the driver the first limit of a large run (docs/performance.md).
 */
public final class Footers {
  /** Footers read at once: round trips overlap; each reader holds only a footer. */
  static final int READERS = 32;

  private Footers() {}

  /** What the footers of a partition say: rows per writing task, non-null values per column. */
  public record Summary(Map<Integer, Long> rowsPerTask, Map<String, Long> nonNull) {
    public long rows() {
      return rowsPerTask.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private record FileSummary(int task, long rows, Map<String, Long> nonNull) {}

  /** Reads every footer of {@code dir} once; counts the non-null values of {@code columns}. */
  public static Summary read(Configuration conf, String dir, String... columns) throws IOException {
    Path p = new Path(dir);
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus f : p.getFileSystem(conf).listStatus(p)) {
      String name = f.getPath().getName();
      if (name.startsWith("part-") && name.endsWith(".parquet")) {
        files.add(f);
      }
    }
    Map<Integer, Long> rows = new TreeMap<>();
    Map<String, Long> nonNull = new HashMap<>();
    for (String c : columns) {
      nonNull.put(c, 0L);
    }
    if (files.isEmpty()) {
      return new Summary(rows, nonNull);
    }
    ExecutorService readers = Executors.newFixedThreadPool(Math.min(READERS, files.size()), r -> {
      Thread t = new Thread(r, "ippipe-footers");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<FileSummary>> pending = new ArrayList<>();
      for (FileStatus f : files) {
        pending.add(readers.submit(() -> summarize(conf, f, columns)));
      }
      for (Future<FileSummary> s : pending) {
        FileSummary one = s.get();
        rows.merge(one.task(), one.rows(), Long::sum);
        one.nonNull().forEach((c, n) -> nonNull.merge(c, n, Long::sum));
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw new IOException("Cannot read the footers of " + dir, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading the footers of " + dir, e);
    } finally {
      readers.shutdownNow();
    }
    return new Summary(rows, nonNull);
  }

  private static FileSummary summarize(Configuration conf, FileStatus f, String[] columns)
      throws IOException {
    String name = f.getPath().getName();
    int task = Integer.parseInt(name.substring(5, name.indexOf('-', 5)));
    Map<String, Long> nonNull = new HashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
      for (String column : columns) {
        long n = 0;
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
        nonNull.put(column, n);
      }
      return new FileSummary(task, reader.getRecordCount(), nonNull);
    }
  }

  public static long rows(Configuration conf, String dir) throws IOException {
    return read(conf, dir).rows();
  }
}
