package io.ippipe.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** Writes the outputs of one date: Parquet partitions and small JSON side files. */
public final class OutputWriter {
  /** Below this many rows per core, parallel reads are not worth more files. */
  static final long MIN_ROWS_PER_SPLIT = 250_000;

  private OutputWriter() {}

  /**
   * Replaces exactly one Hive-style partition directory ({@code table/dt=D[/dataset=X]}) and
   * nothing else, so a rerun of a date replaces that date only; an empty result still replaces
   * the old partition (Spark writes a schema-only file). The file count follows the row count,
   * so small inputs give one file, not one per task; but a partition of at least
   * {@link #MIN_ROWS_PER_SPLIT} rows per core gets at least one file per core, because the
   * next stage reads one file (one row group) per task and would otherwise run on one core.
   *
   * <p>Rows a stage has computed and kept ({@code persisted}: score's, publish's and probe's
   * small sets) are merged into their files without a shuffle when they have at least as many
   * partitions as files: the merged tasks only read kept blocks, so fewer tasks recompute
   * nothing, and a shuffle would move every row once more in a job of its own. Callers have
   * computed such a set already (for their counts); one not yet computed would be computed by
   * the write's {@code files} tasks. Blocks lost with an executor are recomputed there too.
   */
  public static void writePartition(Dataset<Row> rows, boolean persisted, long rowCount,
      long rowsPerFile, String dir, Map<String, String> options, String... sortColumns) {
    int cores = rows.sparkSession().sparkContext().defaultParallelism();
    long byCores = Math.min(cores, rowCount / MIN_ROWS_PER_SPLIT);
    int files = (int) Math.max(1, Math.min(10_000,
        Math.max(byCores, (rowCount + rowsPerFile - 1) / rowsPerFile)));
    Dataset<Row> out = persisted && files <= rows.rdd().getNumPartitions()
        ? rows.coalesce(files) : rows.repartition(files);
    if (sortColumns.length > 0) {
      out = out.sortWithinPartitions(sortColumns[0],
          java.util.Arrays.copyOfRange(sortColumns, 1, sortColumns.length));
    }
    FailFirstAttempt.wrapIfEnabled(out).write().mode(SaveMode.Overwrite).options(options)
        .parquet(dir);
  }

  /**
   * Replaces one partition directory keeping the input's partitioning: for row-by-row stages
   * (encrypt, decrypt) whose input files are already sized, a repartition would only add a
   * shuffle of every row.
   */
  public static void writeAsIs(Dataset<Row> rows, String dir, Map<String, String> options) {
    FailFirstAttempt.wrapIfEnabled(rows).write().mode(SaveMode.Overwrite).options(options)
        .parquet(dir);
  }

  /** Writes a small text file atomically: to a temporary name, then a rename. */
  public static void writeText(Configuration conf, String file, String text) throws IOException {
    Path target = new Path(file);
    FileSystem fs = target.getFileSystem(conf);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    fs.mkdirs(target.getParent());
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("Cannot rename " + tmp + " to " + target);
    }
  }
}
