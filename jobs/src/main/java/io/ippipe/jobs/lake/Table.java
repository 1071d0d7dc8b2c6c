package io.ippipe.jobs.lake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * One table of the lake: its name (also its directory under the lake root and its view name in
 * {@code ippipe sql}), its columns, its partition columns (always {@code dt} first), whether
 * it may hold plaintext personal data, and the columns written without a Parquet dictionary.
 * Every table is declared once, in {@link Tables}.
 *
 * @param personalData whether a column may hold plaintext personal data (a customer's address);
 *     no table of the lake may, and {@link Tables} checks it
 * @param withoutDictionary columns whose Parquet chunks are written without a dictionary: see
 *     {@link #writeOptions()}
 */
public record Table(String name, StructType schema, List<String> partitionColumns,
    boolean personalData, String description, List<String> withoutDictionary) {

  public Table {
    if (partitionColumns.isEmpty() || !partitionColumns.get(0).equals(Lake.DATE_COLUMN)) {
      throw new IllegalArgumentException("Table " + name + " must be partitioned by dt first");
    }
    for (String c : withoutDictionary) {
      if (schema.getFieldIndex(c).isEmpty()) {
        throw new IllegalArgumentException("Table " + name + " has no column " + c);
      }
    }
    withoutDictionary = List.copyOf(withoutDictionary);
  }

  /** The Parquet writer's settings for this table's files: parquet-mr's per-column switches. */
  public Map<String, String> writeOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    for (String c : withoutDictionary) {
      options.put("parquet.enable.dictionary#" + c, "false");
    }
    return options;
  }

  /** The partition columns below {@code dt} (rejects: {@code dataset}). */
  public List<String> subPartitions() {
    return partitionColumns.subList(1, partitionColumns.size());
  }

  public String[] columnNames() {
    return schema.fieldNames();
  }
}
