package io.ippipe.jobs.cli;

import io.ippipe.jobs.io.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Spark SQL over a lake without a Spark install: every table under --lake is a"
        + " view named after its path (validated_requests, rejects, scores, pool, pool_changes,"
        + " ...), with dt (and dataset) as partition columns.",
        "Statements are separated by ';'; the last one's result is printed."})
final class SqlCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--lake", required = true, description = "The output root of the runs.")
  String lake;

  @Option(names = "--limit", description = "Rows to print (default ${DEFAULT-VALUE}).")
  int limit = 50;

  @Parameters(paramLabel = "SQL", description = "The statements.")
  String sql;

  @Override
  public Integer call() throws Exception {
    SparkSession spark = Sessions.getOrCreate("ippipe-sql", common.master);
    Path root = new Path(lake);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(root)) {
      throw new io.ippipe.common.error.ConfigException("No lake at " + lake);
    }
    List<String> views = new ArrayList<>();
    register(spark, fs, root, "", views);
    Dataset<Row> last = null;
    for (String statement : sql.split(";")) {
      if (!statement.isBlank()) {
        last = spark.sql(statement);
      }
    }
    if (last != null) {
      last.show(limit, false);
    }
    return 0;
  }

  /** A directory whose children are dt=... partitions is a table: validated/requests -> validated_requests. */
  private static void register(SparkSession spark, FileSystem fs, Path dir, String name,
      List<String> views) throws java.io.IOException {
    FileStatus[] children = fs.listStatus(dir);
    boolean table = false;
    for (FileStatus c : children) {
      if (c.isDirectory() && c.getPath().getName().startsWith("dt=")) {
        table = true;
      }
    }
    if (table && !name.isEmpty() && !name.startsWith("_")) {
      spark.read().parquet(dir.toString()).createOrReplaceTempView(name);
      views.add(name);
      return;
    }
    for (FileStatus c : children) {
      String child = c.getPath().getName();
      if (c.isDirectory() && !child.startsWith("_") && !child.startsWith(".") && !child.equals("live")
          && !child.equals("reports")) {
        register(spark, fs, c.getPath(), name.isEmpty() ? child : name + "_" + child, views);
      }
    }
  }
}
