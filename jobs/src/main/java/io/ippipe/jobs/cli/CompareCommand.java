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
    description = {"Compare one date of two lakes, every Parquet table, row for row (as"
        + " multisets: file layout and order may differ).",
        "Exit 0 when every table is identical, 1 otherwise. Proves that a cluster run, a rerun"
            + " or a retried run wrote what a clean run wrote."})
final class CompareCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date, YYYY-MM-DD.")
  String date;

  @Parameters(index = "0", paramLabel = "LAKE_A")
  String lakeA;

  @Parameters(index = "1", paramLabel = "LAKE_B")
  String lakeB;

  @Override
  public Integer call() throws Exception {
    Dates.parse(date);
    List<LakeCompare.TableDiff> diffs = LakeCompare.compare(
        Sessions.getOrCreate("ippipe-compare", common.master), lakeA, lakeB, date);
    boolean same = !diffs.isEmpty();
    for (LakeCompare.TableDiff d : diffs) {
      System.out.printf("%-10s %-45s %,12d rows%s%n", d.identical() ? "identical" : "DIFFERENT",
          d.table(), d.rowsA(), d.identical() ? "" : "  " + d.detail());
      same &= d.identical();
    }
    if (diffs.isEmpty()) {
      System.out.println("no tables for " + date + " in either lake");
    }
    return same ? 0 : 1;
  }
}
