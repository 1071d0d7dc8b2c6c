package io.ippipe.jobs.io;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * TEST ONLY fault injection: with {@code spark.ippipe.test.failFirstAttempts=true}, the first
 * attempt of every other write task throws after its first row (at once when it has none), so Spark
 * retries it (spark.task.maxFailures, 4 on a cluster) on top of partial output. scripts/cluster-smoke.sh
 * turns it on and requires outputs identical to a clean run: the write path is deterministic and
 * the output commit protocol drops the failed attempts' files.
 */
final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
  static final String SETTING = "spark.ippipe.test.failFirstAttempts";

  static Dataset<Row> wrapIfEnabled(Dataset<Row> rows) {
    if (!"true".equals(rows.sparkSession().conf().get(SETTING, "false"))) {
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
              + task.partitionId() + " of stage " + task.stageId() + " (" + SETTING + ")");
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
