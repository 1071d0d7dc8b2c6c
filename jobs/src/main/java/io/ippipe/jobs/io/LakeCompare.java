package io.ippipe.jobs.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares one date of two lakes table by table, row for row (as multisets: file layout and row
 * order may differ). For proving that a cluster run, a rerun or a retried run wrote exactly
 * what a clean local run wrote.
 */
public final class LakeCompare {
  private LakeCompare() {}

  /** One partition's verdict; {@code detail} says how they differ, null when identical. */
  public record TableDiff(String table, long rowsA, long rowsB, String detail) {
    public boolean identical() {
      return detail == null;
    }
  }

  /** Every Parquet partition of {@code date} in lake A (or B), compared with the other lake's. */
  public static List<TableDiff> compare(SparkSession spark, String lakeA, String lakeB,
      String date) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> tables = new ArrayList<>(partitions(conf, lakeA, "dt=" + date));
    for (String t : partitions(conf, lakeB, "dt=" + date)) {
      if (!tables.contains(t)) {
        tables.add(t);
      }
    }
    tables.sort(null);
    List<TableDiff> out = new ArrayList<>();
    for (String t : tables) {
      boolean inA = exists(conf, lakeA + "/" + t);
      boolean inB = exists(conf, lakeB + "/" + t);
      if (!inA || !inB) {
        out.add(new TableDiff(t, -1, -1, "only in " + (inA ? "A" : "B")));
        continue;
      }
      Dataset<Row> a = spark.read().parquet(lakeA + "/" + t);
      Dataset<Row> b = spark.read().parquet(lakeB + "/" + t);
      long na = a.count();
      long nb = b.count();
      String[] ca = a.columns();
      String[] cb = b.columns();
      String detail = null;
      if (!Arrays.equals(ca, cb)) {
        detail = "columns differ: " + Arrays.toString(ca) + " vs " + Arrays.toString(cb);
      } else if (na != nb) {
        detail = "row counts differ";
      } else {
        long onlyA = a.exceptAll(b).count();
        long onlyB = b.exceptAll(a).count();
        if (onlyA + onlyB > 0) {
          detail = onlyA + " rows only in A, " + onlyB + " only in B";
        }
      }
      out.add(new TableDiff(t, na, nb, detail));
    }
    return out;
  }

  /** Relative paths of the leaf partition directories of {@code dt} under {@code lake}. */
  static List<String> partitions(Configuration conf, String lake, String dt) throws IOException {
    Path root = new Path(lake);
    FileSystem fs = root.getFileSystem(conf);
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    walk(fs, root, "", dt, out);
    return out;
  }

  private static void walk(FileSystem fs, Path dir, String rel, String dt, List<String> out)
      throws IOException {
    boolean hasParquet = false;
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (s.isDirectory()) {
        if (rel.isEmpty() && (name.startsWith("_") || name.startsWith("."))) {
          continue; // _staging, _runs, _metrics
        }
        if (name.startsWith("dt=") && !name.equals(dt)) {
          continue;
        }
        walk(fs, s.getPath(), rel.isEmpty() ? name : rel + "/" + name, dt, out);
      } else if (name.endsWith(".parquet")) {
        hasParquet = true;
      }
    }
    if (hasParquet && rel.contains(dt)) {
      out.add(rel);
    }
  }

  private static boolean exists(Configuration conf, String dir) throws IOException {
    Path p = new Path(dir);
    return p.getFileSystem(conf).exists(p);
  }
}
