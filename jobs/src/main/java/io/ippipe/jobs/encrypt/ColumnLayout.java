package io.ippipe.jobs.encrypt;

import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.error.ConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where each value of a row goes when address columns are encrypted or decrypted, planned on
 * the driver from the input schema, so that a missing or mistyped column fails before any data
 * is read; {@link #apply} turns the plan into one Spark projection. An address column {@code c} may have derived fields {@code c_version} and
 * {@code c_bytes} (inventory's {@code ip} has {@code ip_version}, {@code ip_bytes}); they are
 * recomputed from whatever the column holds, so they never keep the plaintext.
 */
record ColumnLayout(StructType output, int[] copyFrom, List<Target> targets, int keyIdOut)
    implements Serializable {

  static final String KEY_ID = "key_id";

  /** One address column: read from valueIn, written to valueOut and its derived fields. */
  record Target(String name, Scheme scheme, int valueIn, int valueOut, int versionOut,
      int bytesOut) implements Serializable {}

  /**
   * The projection: copied columns as they are, each target through its {@link
   * AddressCipherUdf} once (non-deterministic, so that the optimiser does not inline the UDF into
   * each of the three fields it feeds), and key_id.
   */
  Dataset<Row> apply(Dataset<Row> in, KeyRing keys, String encryptKeyId, int cacheEntries) {
    boolean encrypt = encryptKeyId != null;
    String[] inNames = in.schema().fieldNames();
    Column keyId = encrypt ? functions.lit(encryptKeyId) : functions.col(KEY_ID);
    Dataset<Row> staged = in;
    String[] stagedNames = new String[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      Target target = targets.get(t);
      UserDefinedFunction udf = functions.udf(new AddressCipherUdf(target.name(), target.scheme(),
          keys, encrypt, cacheEntries), AddressCipherUdf.RESULT).asNondeterministic();
      stagedNames[t] = "__ippipe_cipher_" + t;
      staged = staged.withColumn(stagedNames[t], udf.apply(functions.col(inNames[target.valueIn()]), keyId));
    }
    Column[] out = new Column[output.fields().length];
    for (int i = 0; i < out.length; i++) {
      String name = output.fields()[i].name();
      out[i] = copyFrom[i] >= 0 ? functions.col(inNames[copyFrom[i]]).as(name) : null;
      if (i == keyIdOut) {
        out[i] = functions.lit(encryptKeyId).as(name);
      }
    }
    for (int t = 0; t < targets.size(); t++) {
      Target target = targets.get(t);
      Column result = functions.col(stagedNames[t]);
      out[target.valueOut()] = result.getField("value").as(output.fields()[target.valueOut()].name());
      if (target.versionOut() >= 0) {
        out[target.versionOut()] = result.getField("version").as(output.fields()[target.versionOut()].name());
      }
      if (target.bytesOut() >= 0) {
        out[target.bytesOut()] = result.getField("bytes").as(output.fields()[target.bytesOut()].name());
      }
    }
    return staged.select(out);
  }

  /**
   * Decrypt: the plaintext goes back into each column (from {@code c_enc} in add mode, which is
   * then dropped), derived fields are recomputed, and {@code key_id} is dropped: the output has
   * the schema the data had before encrypt.
   */
  static ColumnLayout forDecrypt(String dir, StructType in, List<EncryptionManifest.Column> columns) {
    if (!has(in, KEY_ID)) {
      throw new ConfigException("Cannot decrypt " + dir + ": it has no key_id column");
    }
    List<String> dropped = new ArrayList<>(List.of(KEY_ID));
    for (EncryptionManifest.Column c : columns) {
      if (!c.storedIn().equals(c.column())) {
        dropped.add(c.storedIn());
      }
    }
    List<StructField> out = new ArrayList<>();
    List<Integer> copy = new ArrayList<>();
    for (int i = 0; i < in.fields().length; i++) {
      if (!dropped.contains(in.fields()[i].name())) {
        out.add(in.fields()[i]);
        copy.add(i);
      }
    }
    StructType output = new StructType(out.toArray(new StructField[0]));
    List<Target> targets = new ArrayList<>();
    for (EncryptionManifest.Column c : columns) {
      targets.add(new Target(c.column(), Scheme.fromId(c.scheme()),
          requireStringColumn(dir, in, c.storedIn()), requireStringColumn(dir, output, c.column()),
          index(output, c.column() + "_version"), index(output, c.column() + "_bytes")));
    }
    return new ColumnLayout(output, copy.stream().mapToInt(Integer::intValue).toArray(), targets, -1);
  }

  private static int requireStringColumn(String what, StructType schema, String name) {
    int i = index(schema, name);
    if (i < 0) {
      throw new ConfigException("Cannot encrypt or decrypt " + what + ": no column " + name
          + "; its columns are " + Arrays.toString(schema.fieldNames()) + " (check encrypt.columns)");
    }
    if (!schema.fields()[i].dataType().equals(DataTypes.StringType)) {
      throw new ConfigException("Cannot encrypt or decrypt " + what + "." + name + ": it is "
          + schema.fields()[i].dataType().simpleString() + ", expected a string column of IP addresses");
    }
    return i;
  }

  private static boolean has(StructType schema, String name) {
    return index(schema, name) >= 0;
  }

  private static int index(StructType schema, String name) {
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
