package io.ippipe.bench.spark;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The one timing rule of the in-process baselines, so that their lines compare. */
final class BenchTiming {
  private BenchTiming() {}

  /**
   * Runs the plan into Spark's no-op sink once to warm up (JIT, code generation), then three
   * times; prints and returns the median in ns per row per core.
   */
  static double noop(Dataset<Row> plan, long rows, int cores, String what) {
    double[] runs = new double[3];
    plan.write().format("noop").mode("overwrite").save();
    for (int run = 0; run < runs.length; run++) {
      long start = System.nanoTime();
      plan.write().format("noop").mode("overwrite").save();
      runs[run] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(runs);
    double median = runs[1];
    double nsPerRowCore = median * 1e9 * cores / rows;
    System.out.printf("%-75s %,12d rows %8.2f s  %,10.0f rows/s/core  %,8.0f ns/row/core%n", what,
        rows, median, rows / median / cores, nsPerRowCore);
    return nsPerRowCore;
  }

  /** One timed pass over some calls, outside Spark; returns a value that every pass must repeat. */
  interface Pass {
    long run() throws Exception;
  }

  /**
   * The same rule for a kernel outside Spark, on one thread: a warm-up pass, then three; returns
   * the median in ns per call. Every pass must return what the warm-up did.
   */
  static double perCall(int calls, Pass pass) throws Exception {
    long check = pass.run();
    double[] runs = new double[3];
    for (int run = 0; run < runs.length; run++) {
      long start = System.nanoTime();
      if (pass.run() != check) {
        throw new IllegalStateException("the kernel answered differently on a rerun");
      }
      runs[run] = (System.nanoTime() - start) / (double) calls;
    }
    Arrays.sort(runs);
    return runs[1];
  }
}
