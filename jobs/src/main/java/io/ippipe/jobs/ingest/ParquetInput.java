package io.ippipe.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ippipe.common.error.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FractionalType;

/**
 * Parquet input of a feed as (file, row index, every known field as text): the same field
 * rules as CSV and JSON apply to it, and a record's line number is its row index + 1.
 */
final class ParquetInput {
  private ParquetInput() {}

  record Rows(Dataset<Row> rows, String[] fields) {}

  /**
   * Every group of files ({@link InputPlan#parquetGroups}) read by its own schema and brought to
   * the same columns, each known field as text (null where a group lacks it), then put
   * together. A field of any type is read as its text: a number as its value, a list or a
   * struct as Spark writes it ("[1, 2]"), which the field rules then reject with a reason.
   */
  static Rows read(SparkSession spark, Feed feed, List<List<String>> groups, List<String> known,
      Predicate<String> isAddress) {
    List<Dataset<Row>> inputs = new ArrayList<>();
    java.util.Set<String> anywhere = new java.util.HashSet<>();
    for (List<String> files : groups) {
      Dataset<Row> input = spark.read().parquet(files.toArray(new String[0]));
      inputs.add(input);
      anywhere.addAll(Arrays.asList(input.columns()));
    }
    List<String> present = known.stream().filter(anywhere::contains).toList();
    if (present.stream().noneMatch(isAddress)) {
      throw new ConfigException("Cannot read " + feed.text() + " Parquet input " + groups
          + ": no address column, expected one of " + known.stream().filter(isAddress).toList());
    }
    Dataset<Row> rows = null;
    for (Dataset<Row> input : inputs) {
      List<Column> columns = new ArrayList<>();
      columns.add(col("_metadata.file_path"));
      columns.add(col("_metadata.row_index"));
      for (String name : present) {
        columns.add(Arrays.asList(input.columns()).contains(name)
            ? asText(name, input.schema().apply(name).dataType())
            : lit(null).cast(DataTypes.StringType).as(name));
      }
      Dataset<Row> selected = input.select(columns.toArray(new Column[0]));
      rows = rows == null ? selected : rows.union(selected);
    }
    return new Rows(rows, present.toArray(new String[0]));
  }

  private static Column asText(String name, DataType type) {
    return type.equals(DataTypes.TimestampType)
        ? org.apache.spark.sql.functions.expr(String.format(
            "concat(cast(floor(unix_micros(`%1$s`) / 1000000) as string), '.', "
                + "lpad(cast(pmod(unix_micros(`%1$s`), 1000000) as string), 6, '0'))", name))
            .as(name)
        : type instanceof FractionalType
        // A whole value as an integer, another as a plain decimal: pandas writes an integer
        // column with a gap as float64 (port 8080.0), and a double cast to text is
        // "1.764064800123E9", which no field rule reads.
        ? org.apache.spark.sql.functions.expr(String.format("CASE WHEN `%1$s` IS NULL THEN NULL "
            + "WHEN `%1$s` = floor(`%1$s`) AND abs(`%1$s`) < 9.0E18 "
            + "THEN cast(cast(`%1$s` AS BIGINT) AS STRING) "
            + "ELSE format_string('%%.6f', cast(`%1$s` AS DOUBLE)) END", name)).as(name)
        : col(name).cast(DataTypes.StringType).as(name);
  }
}
