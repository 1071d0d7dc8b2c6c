package io.ippipe.jobs.lake;

import io.ippipe.jobs.io.OutputWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The lake: one root directory of Hive-partitioned Parquet tables ({@link Tables}) and the
 * run's bookkeeping beside them ({@code _metrics}, {@code _runs}, {@code reports}, {@code live}).
 * Jobs name tables, never paths: they read committed partitions here and write through a
 * {@link StageOutput}, which stages and then commits. The directory layout is this class's
 * alone, so another table format (Apache Iceberg: one table per {@link Table}, a commit per
 * stage) could replace it without touching the stages.
 */
public final class Lake {
  public static final String DATE_COLUMN = "dt";

  private final String root;
  private final Configuration conf;

  public Lake(String root, Configuration conf) {
    this.root = root.replaceAll("/+$", "");
    this.conf = conf;
  }

  public String root() {
    return root;
  }

  public Configuration conf() {
    return conf;
  }

  /** The directory of one committed partition: {@code root/table/dt=D[/k=v...]}. */
  public String partition(Table table, LocalDate date, String... subValues) {
    return partitionUnder(root, table, date, subValues);
  }

  static String partitionUnder(String base, Table table, LocalDate date, String... subValues) {
    if (subValues.length > table.subPartitions().size()) {
      throw new IllegalArgumentException(table.name() + " has sub-partitions "
          + table.subPartitions() + ", not " + subValues.length);
    }
    StringBuilder sb = new StringBuilder(base).append('/').append(table.name()).append('/')
        .append(DATE_COLUMN).append('=').append(date);
    for (int i = 0; i < subValues.length; i++) {
      sb.append('/').append(table.subPartitions().get(i)).append('=').append(subValues[i]);
    }
    return sb.toString();
  }

  /** Whether a committed partition exists (Spark's _SUCCESS marks a complete one). */
  public boolean exists(Table table, LocalDate date, String... subValues) throws IOException {
    Path p = new Path(partition(table, date, subValues));
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return false;
    }
    if (subValues.length < table.subPartitions().size()) {
      return true;
    }
    return fs.exists(new Path(p, "_SUCCESS"));
  }

  /** One committed partition of a table, with exactly the table's declared columns. */
  public Dataset<Row> read(SparkSession spark, Table table, LocalDate date, String... subValues) {
    return spark.read().schema(subValues.length == table.subPartitions().size() ? table.schema()
        : withSubPartitions(table)).parquet(partition(table, date, subValues));
  }

  private static org.apache.spark.sql.types.StructType withSubPartitions(Table table) {
    org.apache.spark.sql.types.StructType s = table.schema();
    for (String c : table.subPartitions()) {
      s = s.add(c, org.apache.spark.sql.types.DataTypes.StringType);
    }
    return s;
  }

  /**
   * The latest committed date before {@code date}, at most {@code lookbackDays} earlier: what a
   * stage carries forward from (previous scores, pool, probe state).
   */
  public Optional<LocalDate> latestBefore(Table table, LocalDate date, int lookbackDays)
      throws IOException {
    Path dir = new Path(root + "/" + table.name());
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    LocalDate best = null;
    LocalDate earliest = date.minusDays(lookbackDays);
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (!s.isDirectory() || !name.startsWith(DATE_COLUMN + "=")) {
        continue;
      }
      LocalDate d;
      try {
        d = LocalDate.parse(name.substring(DATE_COLUMN.length() + 1));
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

  /** The tables that have at least one committed partition, for {@code ippipe sql}. */
  public List<Table> presentTables() throws IOException {
    List<Table> out = new ArrayList<>();
    for (Table t : Tables.all()) {
      Path dir = new Path(root + "/" + t.name());
      if (dir.getFileSystem(conf).exists(dir)) {
        out.add(t);
      }
    }
    return out;
  }

  /** {@code _metrics/dt=D/STAGE.json}: a stage's metrics document ("run": the run's). */
  public String metricsFile(LocalDate date, String stage) {
    return root + "/_metrics/" + DATE_COLUMN + "=" + date + "/" + stage + ".json";
  }

  /** {@code _runs/dt=D/STAGE.json}: a stage's done marker. */
  public String markerFile(LocalDate date, String stage) {
    return root + "/_runs/" + DATE_COLUMN + "=" + date + "/" + stage + ".json";
  }

  public String reportFile(LocalDate date) {
    return root + "/reports/" + DATE_COLUMN + "=" + date + "/report.html";
  }

  /** Where the live pool snapshot goes without Redis, unless publish.snapshot_dir says. */
  public String liveDir() {
    return root + "/live";
  }

  /** Staging of one stage for one date: written there, then committed into the lake. */
  public StageOutput stage(LocalDate date, String stage) {
    return new StageOutput(this, date, stage,
        root + "/_staging/" + DATE_COLUMN + "=" + date + "/" + stage);
  }

  /** A small text file of the lake (metrics, markers, reports), or null when absent. */
  public String readText(String file) throws IOException {
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return null;
    }
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes a small text file of the lake atomically (temporary name, then rename). */
  public void writeText(String file, String text) throws IOException {
    OutputWriter.writeText(conf, file, text);
  }
}
