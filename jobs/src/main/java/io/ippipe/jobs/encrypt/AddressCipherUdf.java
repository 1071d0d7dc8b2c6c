package io.ippipe.jobs.encrypt;

import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.TextCipher;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One address column, (value, key id) to struct(value, version, bytes): the ciphertext (or,
 * decrypting, the plaintext) and the derived fields recomputed from it. A UDF on the one column
 * rather than a map over whole rows, so that Spark converts only this column and keeps every
 * other column in its internal form; the row-level version spent ~15 µs a row converting
 * timestamps and strings it never changed.
 *
 * <p>Spark deserialises a fresh copy of this object for every task and calls it from the task's
 * one thread, so the transient ciphers (and their caches) are per task, built on first use.
 */
public final class AddressCipherUdf implements UDF2<String, String, Row> {
  private static final long serialVersionUID = 1L;

  public static final StructType RESULT = new StructType()
      .add("value", DataTypes.StringType, true)
      .add("version", DataTypes.IntegerType, true)
      .add("bytes", DataTypes.BinaryType, true);

  private final String column;
  private final Scheme scheme;
  private final KeyRing keys;
  private final boolean encrypt;
  private final int cacheEntries;
  private transient Map<String, TextCipher> ciphers;

  public AddressCipherUdf(String column, Scheme scheme, KeyRing keys, boolean encrypt, int cacheEntries) {
    this.column = column;
    this.scheme = scheme;
    this.keys = keys;
    this.encrypt = encrypt;
    this.cacheEntries = cacheEntries;
  }

  @Override
  public Row call(String value, String keyId) {
    if (value == null) {
      return null;
    }
    if (keyId == null) {
      throw new IllegalStateException("A row has no key_id, so it was not written by ippipe encrypt");
    }
    if (ciphers == null) {
      ciphers = new HashMap<>();
    }
    TextCipher cipher = ciphers.get(keyId);
    if (cipher == null) {
      cipher = new TextCipher(keys.cipher(keyId, scheme,
          new IpCiphers.Options(true, cacheEntries, null)), cacheEntries);
      ciphers.put(keyId, cipher);
    }
    String result = encrypt ? cipher.encrypt(value) : cipher.decrypt(value);
    if (result == null) {
      // The value is personal data: the message names the column and the reason only.
      throw new IllegalStateException("Cannot " + (encrypt ? "encrypt" : "decrypt") + " a value of "
          + column + " with " + scheme.id() + ": " + cipher.error());
    }
    int version = cipher.lastVersion();
    return RowFactory.create(result, version == 0 ? null : version, cipher.lastBytes());
  }

  @Override
  public String toString() {
    // Spark may print the function in plans: say what it does, nothing about keys.
    return (encrypt ? "encrypt " : "decrypt ") + column + " with " + scheme.id();
  }
}
