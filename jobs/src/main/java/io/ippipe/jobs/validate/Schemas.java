package io.ippipe.jobs.validate;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schemas validate writes, in one place. docs/tables.md describes every column. Addresses
 * are kept three ways: RFC 5952 text, the family, and 16 network-order bytes (IPv4 as
 * IPv4-mapped) that sort and compare correctly in Spark, Trino and DuckDB.
 */
public final class Schemas {
  private Schemas() {}

  private static StructField f(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }

  public static final StructType INVENTORY = new StructType(new StructField[] {
      f("ip", StringType, false), f("ip_version", IntegerType, false),
      f("ip_bytes", BinaryType, false), f("port", IntegerType, false),
      f("protocol", StringType, false), f("proxy_type", StringType, true),
      f("supplier", StringType, true), f("claimed_country", StringType, true),
      f("has_credentials", BooleanType, false), f("anonymity", StringType, true),
      f("source_file", StringType, false), f("source_line", LongType, false)});

  /** Written inventory: the parsed columns plus how often the (ip, port, protocol) was listed. */
  public static final StructType INVENTORY_OUT = INVENTORY.add(f("listed_count", IntegerType, false));

  public static final StructType REQUESTS = new StructType(new StructField[] {
      f("ts", TimestampType, false), f("client_ip", StringType, false),
      f("client_ip_version", IntegerType, false), f("client_ip_bytes", BinaryType, false),
      f("client_class", StringType, false), f("proxy_ip", StringType, true),
      f("proxy_ip_version", IntegerType, true), f("proxy_ip_bytes", BinaryType, true),
      f("proxy_port", IntegerType, true), f("proxy_class", StringType, true),
      f("proxy_known", BooleanType, false), f("hierarchy_code", StringType, true),
      f("result_code", StringType, true), f("http_status", IntegerType, false),
      f("elapsed_ms", LongType, true), f("bytes", LongType, false),
      f("method", StringType, true), f("target_host", StringType, true),
      f("authenticated", BooleanType, false), f("exit_ip", StringType, true),
      f("source_file", StringType, false), f("source_line", LongType, false)});

  public static final StructType REJECTS = new StructType(new StructField[] {
      f("source_file", StringType, false), f("source_line", LongType, false),
      f("record_index", IntegerType, false), f("reason", StringType, false),
      f("reason_code", IntegerType, false), f("detail", StringType, true),
      f("raw", StringType, true)});

  /** Position columns that lead every parsed row before line numbers are known. */
  static final List<StructField> POSITION = List.of(
      f("source_file", StringType, false), f("split_start", LongType, false),
      f("index_in_split", LongType, false), f("record_index", IntegerType, false));

  /** Reject columns that trail every parsed row; null on valid rows. */
  static final List<StructField> REJECT_TAIL = List.of(
      f("reason", StringType, true), f("reason_code", IntegerType, true),
      f("detail", StringType, true), f("raw", StringType, true));

  /** position + the dataset's columns (minus source_file/source_line) + reject columns. */
  static StructType parsed(StructType dataset) {
    List<StructField> fields = new ArrayList<>(POSITION);
    for (StructField field : dataset.fields()) {
      if (!field.name().equals("source_file") && !field.name().equals("source_line")) {
        fields.add(f(field.name(), field.dataType(), true));
      }
    }
    fields.addAll(REJECT_TAIL);
    return new StructType(fields.toArray(new StructField[0]));
  }

  static String[] names(StructType schema) {
    return Arrays.stream(schema.fields()).map(StructField::name).toArray(String[]::new);
  }
}
