package io.ippipe.jobs.lake;

import io.ippipe.jobs.io.OutputWriter;
import io.ippipe.jobs.io.StagedCommit;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * What one stage writes for one date, staged under {@code _staging/dt=D/<stage>/} in the lake's
 * own layout, then committed into the lake by renames ({@link StagedCommit}) or discarded. A
 * stage writes only here, so a failed stage leaves the lake as it was.
 */
public final class StageOutput {
  private final Lake lake;
  private final LocalDate date;
  private final String dir;

  private final String stage;

  StageOutput(Lake lake, LocalDate date, String stage, String dir) {
    this.lake = lake;
    this.date = date;
    this.stage = stage;
    this.dir = dir;
  }

  /** Stages the stage's metrics document, {@code _metrics/dt=D/<stage>.json}. */
  public void writeMetrics(String json) throws IOException {
    writeText(lake.metricsFile(date, stage), json);
  }

  public LocalDate date() {
    return date;
  }

  public Lake lake() {
    return lake;
  }

  /** The staging directory. */
  public String dir() {
    return dir;
  }

  /**
   * A scratch directory of the stage: intermediate files that are never committed (task side
   * outputs). It sits beside the staging directory and goes with it.
   */
  public String scratch(String name) {
    return dir + ".scratch/" + name;
  }

  /** Starts afresh: removes what an earlier, interrupted attempt of the stage left. */
  public StageOutput clear() throws IOException {
    for (String d : List.of(dir, dir + ".scratch")) {
      Path p = new Path(d);
      p.getFileSystem(lake.conf()).delete(p, true);
    }
    return this;
  }

  /** Where a partition of {@code table} is staged. */
  public String partition(Table table, String... subValues) {
    return Lake.partitionUnder(dir, table, date, subValues);
  }

  /**
   * Writes one partition of {@code table}: the rows are first reduced to the table's declared
   * columns, in order, and refused if a column is missing or of another type.
   */
  public void write(Table table, Dataset<Row> rows, Layout layout, String... subValues) {
    Dataset<Row> conformed = conform(table, rows);
    String target = partition(table, subValues);
    if (layout.rowCount() < 0) {
      OutputWriter.writeAsIs(conformed, target, table.writeOptions());
    } else {
      OutputWriter.writePartition(conformed, !rows.storageLevel().equals(StorageLevel.NONE()),
          layout.rowCount(), layout.rowsPerFile(), target, table.writeOptions(),
          layout.sortColumns());
    }
  }

  /** A partition this stage has written (before it is committed). */
  public Dataset<Row> read(SparkSession spark, Table table, String... subValues) {
    return spark.read().schema(table.schema()).parquet(partition(table, subValues));
  }

  /** Stages a small text file at the lake path {@code lakeFile} (metrics, sidecars). */
  public void writeText(String lakeFile, String text) throws IOException {
    OutputWriter.writeText(lake.conf(), staged(lakeFile), text);
  }

  /** The staged location of a lake path. */
  public String staged(String lakeFile) {
    if (!lakeFile.startsWith(lake.root() + "/")) {
      throw new IllegalArgumentException(lakeFile + " is not under the lake " + lake.root());
    }
    return dir + lakeFile.substring(lake.root().length());
  }

  /** Moves everything staged into the lake, then drops the scratch directory. */
  public int commit() throws IOException {
    int moved = StagedCommit.commit(lake.conf(), dir, lake.root());
    clear();
    return moved;
  }

  public void discard() throws IOException {
    clear();
  }

  static Dataset<Row> conform(Table table, Dataset<Row> rows) {
    List<String> missing = new ArrayList<>();
    List<Column> columns = new ArrayList<>();
    List<String> have = Arrays.asList(rows.columns());
    for (StructField f : table.schema().fields()) {
      if (!have.contains(f.name())) {
        missing.add(f.name());
        continue;
      }
      DataType actual = rows.schema().apply(f.name()).dataType();
      if (!actual.equals(f.dataType())) {
        missing.add(f.name() + " (" + actual.simpleString() + ", declared "
            + f.dataType().simpleString() + ")");
        continue;
      }
      columns.add(functions.col("`" + f.name() + "`"));
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Cannot write " + table.name() + ": columns " + missing
          + " differ from its declaration in Tables");
    }
    return rows.select(columns.toArray(new Column[0]));
  }

  /**
   * How a partition is cut into files. {@link #asIs}: one file per task of the rows' own
   * partitioning (ingest's pass, whose tasks are already sized input splits). {@link #sized}:
   * {@code ceil(rows / rowsPerFile)} files, sorted within each.
   */
  public record Layout(long rowCount, long rowsPerFile, String[] sortColumns) {
    public static Layout asIs() {
      return new Layout(-1, 0, new String[0]);
    }

    public static Layout sized(long rowCount, long rowsPerFile, String... sortColumns) {
      return new Layout(rowCount, rowsPerFile, sortColumns);
    }
  }
}
