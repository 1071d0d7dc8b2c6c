package io.ippipe.jobs.cli;

import io.ippipe.jobs.io.LakeCompare;
import io.ippipe.jobs.io.Sessions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare one date of a lake with one or more others, every Parquet table, row"
        + " for row (as multisets: file layout and order may differ).",
        "Exit 0 when every table is identical, 1 otherwise. Proves that a cluster run, a rerun"
            + " or a retried run wrote what a clean run wrote."})
final class CompareCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date, YYYY-MM-DD.")
  String date;

  @Parameters(index = "0", paramLabel = "LAKE_A")
  String lakeA;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "LAKE_B")
  List<String> others;

  @Override
  public Integer call() throws Exception {
    Dates.parse(date);
    org.apache.spark.sql.SparkSession spark = Sessions.getOrCreate("ippipe-compare", common.master);
    boolean same = true;
    for (String lakeB : others) {
      List<LakeCompare.TableDiff> diffs = LakeCompare.compare(spark, lakeA, lakeB, date);
      System.out.println(lakeA + " vs " + lakeB + ":");
      for (LakeCompare.TableDiff d : diffs) {
        System.out.printf("%-10s %-45s %,12d rows%s%n", d.identical() ? "identical" : "DIFFERENT",
            d.table(), d.rowsA(), d.identical() ? "" : "  " + d.detail());
        same &= d.identical();
      }
      if (diffs.isEmpty()) {
        System.out.println("no tables for " + date + " in either lake");
        same = false;
      }
    }
    return same ? 0 : 1;
  }
}
