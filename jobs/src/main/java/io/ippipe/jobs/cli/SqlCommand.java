package io.ippipe.jobs.cli;

import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.Table;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Spark SQL over a lake without a Spark install: every table of the lake's"
        + " catalog (docs/tables.md) that has data is a view of its name (requests, inventory,"
        + " rejects, scores, pool, pool_changes, probes, probe_state), with dt (and dataset) as"
        + " partition columns.",
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
    Lake catalog = new Lake(lake, spark.sparkContext().hadoopConfiguration());
    Path root = new Path(lake);
    if (!root.getFileSystem(catalog.conf()).exists(root)) {
      throw new io.ippipe.common.error.ConfigException("No lake at " + lake);
    }
    for (Table t : catalog.presentTables()) {
      // Merged: a table gains columns over releases (scores' bound_score), and the schema of
      // whichever file Spark reads first would hide them in every other partition.
      spark.read().option("mergeSchema", "true").parquet(catalog.root() + "/" + t.name())
          .createOrReplaceTempView(t.name());
    }
    Dataset<Row> last = null;
    for (String statement : sql.split(";")) {
      if (!statement.isBlank()) {
        last = spark.sql(statement);
      }
    }
    if (last != null) {
      // show() prints to Scala's Console, which keeps the System.out of its first use: a second
      // command in the same JVM (the tests, an embedding scheduler) would print nowhere.
      Dataset<Row> result = last;
      scala.Console.withOut(System.out, () -> {
        result.show(limit, false);
        return null;
      });
    }
    return 0;
  }
}
