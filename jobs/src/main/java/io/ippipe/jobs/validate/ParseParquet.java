package io.ippipe.jobs.validate;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.input.FieldReader;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.Redaction;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;

/**
 * Parses Parquet input rows with the same field rules as CSV and JSON. The input row is
 * (file, row_index, fields as text...); a row's line number is its row index + 1.
 */
final class ParseParquet implements MapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final Dataset dataset;
  private final PipelineConfig config;
  private final String[] fieldNames;
  private transient InventoryParser inventory;
  private transient LogParser logs;

  ParseParquet(Dataset dataset, PipelineConfig config, String[] fieldNames) {
    this.dataset = dataset;
    this.config = config;
    this.fieldNames = fieldNames;
  }

  @Override
  public Row call(Row row) {
    if (inventory == null) {
      inventory = new InventoryParser(config.get(Keys.VALIDATE_DEFAULT_PROTOCOL));
      logs = new LogParser();
    }
    String file = row.getString(0);
    long index = row.getLong(1);
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < fieldNames.length; i++) {
      values.put(fieldNames[i], row.isNullAt(i + 2) ? null : row.getString(i + 2));
    }
    FieldReader reader = new FieldReader() {
      @Override
      public Object get(String name) {
        Object v = values.get(name);
        return v == null || v.toString().isEmpty() ? null : v;
      }

      @Override
      public boolean typed() {
        return false;
      }
    };
    int rawChars = config.get(Keys.VALIDATE_REJECT_RAW_CHARS);
    if (dataset == Dataset.INVENTORY) {
      Parsed<io.ippipe.common.input.ProxyEndpoint> p = inventory.parseFields(reader);
      return Rows.inventory(file, 0, index, 0, p, p.isValid() ? null : raw(values, rawChars));
    }
    Parsed<io.ippipe.common.input.GatewayRequest> p = logs.parseFields(reader);
    return Rows.request(file, 0, index, p, p.isValid() ? null : raw(values, rawChars));
  }

  /** The row as key=value text, credential columns masked. */
  private static String raw(Map<String, Object> values, int rawChars) {
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, Object>> it = new java.util.TreeMap<>(values).entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Object> e = it.next();
      boolean secret = InventoryParser.isCredentialField(e.getKey());
      sb.append(e.getKey()).append('=')
          .append(secret && e.getValue() != null ? Redaction.MASK : e.getValue());
      if (it.hasNext()) {
        sb.append(' ');
      }
    }
    return Redaction.maskAndTruncate(ParseText.printable(sb.toString()), rawChars);
  }
}
