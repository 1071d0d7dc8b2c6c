package io.ippipe.jobs.io;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Small DataFrame helpers the jobs share. */
public final class Frames {
  private Frames() {}

  /**
   * A DataFrame over rows already in Spark's internal form. Spark keeps this constructor to its
   * own packages (Scala {@code private[sql]}, which Java sees as public); the public ones take
   * {@code Row}s and convert every value of every row, which for the pass's parsed requests cost
   * more than the parsing.
   */
  public static Dataset<Row> fromInternalRows(org.apache.spark.sql.SparkSession spark,
      org.apache.spark.rdd.RDD<org.apache.spark.sql.catalyst.InternalRow> rows,
      org.apache.spark.sql.types.StructType schema) {
    return spark.internalCreateDataFrame(rows, schema, false);
  }

  /** Every column renamed to prefix + name: one side of a self-describing join. */
  public static Dataset<Row> prefixed(Dataset<Row> rows, String prefix) {
    Column[] cols = Arrays.stream(rows.columns()).map(c -> functions.col(c).as(prefix + c))
        .toArray(Column[]::new);
    return rows.select(cols);
  }
}
