package io.ippipe.jobs.io;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Small DataFrame helpers the jobs share. */
public final class Frames {
  private Frames() {}

  /** Every column renamed to prefix + name: one side of a self-describing join. */
  public static Dataset<Row> prefixed(Dataset<Row> rows, String prefix) {
    Column[] cols = Arrays.stream(rows.columns()).map(c -> functions.col(c).as(prefix + c))
        .toArray(Column[]::new);
    return rows.select(cols);
  }
}
