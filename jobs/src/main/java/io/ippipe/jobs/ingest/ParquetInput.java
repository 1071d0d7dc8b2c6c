package io.ippipe.jobs.ingest;

import static org.apache.spark.sql.functions.col;

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

  static Rows read(SparkSession spark, Feed feed, List<String> files, List<String> known,
      Predicate<String> isAddress) {
    Dataset<Row> input = spark.read().parquet(files.toArray(new String[0]));
    List<Column> columns = new ArrayList<>();
    columns.add(col("_metadata.file_path"));
    columns.add(col("_metadata.row_index"));
    List<String> present = new ArrayList<>();
    for (String name : known) {
      if (Arrays.asList(input.columns()).contains(name)) {
        present.add(name);
        DataType type = input.schema().apply(name).dataType();
        columns.add(type.equals(DataTypes.TimestampType)
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
            : col(name).cast(DataTypes.StringType).as(name));
      }
    }
    if (present.stream().noneMatch(isAddress)) {
      throw new ConfigException("Cannot read " + feed.text() + " Parquet input " + files
          + ": no address column, expected one of " + known.stream().filter(isAddress).toList());
    }
    return new Rows(input.select(columns.toArray(new Column[0])), present.toArray(new String[0]));
  }
}
