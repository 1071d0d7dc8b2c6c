package io.ippipe.jobs.io;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Fault injection for tests: once {@link #arm} was called in the driver's JVM, the first attempt
 * of every other write task throws after its first row (at once when it has none), so Spark
 * retries it (spark.task.maxFailures, 4 on a cluster) on top of partial output.
 * scripts/cluster-smoke.sh arms it through the test jar's {@code io.ippipe.jobs.FaultyCli} and
 * requires outputs identical to a clean run: the write path is deterministic and the output
 * commit protocol drops the failed attempts' files. Only code in the driver's JVM can arm it: no
 * config file, --conf or Spark property reaches it (it used to be a Spark property, which any
 * spark-defaults.conf could have set in production).
 */
public final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
  private static volatile boolean armed;

  /** Arms the injection for every later write of this JVM: for tests only. */
  public static void arm() {
    armed = true;
  }

  static Dataset<Row> wrapIfEnabled(Dataset<Row> rows) {
    if (!armed) {
      return rows;
    }
    return rows.mapPartitions(new FailFirstAttempt(), Encoders.row(rows.schema()));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    boolean fail = task != null && task.attemptNumber() == 0 && task.partitionId() % 2 == 0;
    if (!fail) {
      return rows;
    }
    return new Iterator<>() {
      long seen;

      @Override
      public boolean hasNext() {
        if (seen > 0 || !rows.hasNext()) {
          throw new IllegalStateException("injected failure: first attempt of task "
              + task.partitionId() + " of stage " + task.stageId() + " (FailFirstAttempt.arm)");
        }
        return true;
      }

      @Override
      public Row next() {
        seen++;
        return rows.next();
      }
    };
  }
}
