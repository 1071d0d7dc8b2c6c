package io.ippipe.jobs.lake;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * One table of the lake: its name (also its directory under the lake root and its view name in
 * {@code ippipe sql}), its columns, its partition columns (always {@code dt} first) and whether
 * it may hold plaintext personal data. Every table is declared once, in {@link Tables}.
 *
 * @param personalData whether a column may hold plaintext personal data (a customer's address);
 *     no table of the lake may, and {@link Tables} checks it
 */
public record Table(String name, StructType schema, List<String> partitionColumns,
    boolean personalData, String description) {

  public Table {
    if (partitionColumns.isEmpty() || !partitionColumns.get(0).equals(Lake.DATE_COLUMN)) {
      throw new IllegalArgumentException("Table " + name + " must be partitioned by dt first");
    }
  }

  /** The partition columns below {@code dt} (rejects: {@code dataset}). */
  public List<String> subPartitions() {
    return partitionColumns.subList(1, partitionColumns.size());
  }

  public String[] columnNames() {
    return schema.fieldNames();
  }
}
