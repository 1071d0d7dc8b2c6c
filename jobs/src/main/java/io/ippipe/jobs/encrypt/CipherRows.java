package io.ippipe.jobs.encrypt;

import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.TextCipher;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Encrypts or decrypts address columns row by row inside a partition. Ciphers (and their
 * caches) are made once per partition and key id, never per row. The row layout is planned on
 * the driver ({@link ColumnLayout}); this class only moves values.
 */
final class CipherRows implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ColumnLayout layout;
  private final KeyRing keys;
  private final String encryptKeyId;
  private final int cacheEntries;

  /** encryptKeyId null means decrypt, with each row's key_id. */
  CipherRows(ColumnLayout layout, KeyRing keys, String encryptKeyId, int cacheEntries) {
    this.layout = layout;
    this.keys = keys;
    this.encryptKeyId = encryptKeyId;
    this.cacheEntries = cacheEntries;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<String, TextCipher> ciphers = new HashMap<>();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return transform(rows.next(), ciphers);
      }
    };
  }

  private Row transform(Row in, Map<String, TextCipher> ciphers) {
    Object[] out = new Object[layout.outputWidth()];
    int[] copy = layout.copyFrom();
    for (int i = 0; i < copy.length; i++) {
      out[i] = copy[i] < 0 ? null : in.get(copy[i]);
    }
    String keyId = encryptKeyId != null ? encryptKeyId : in.getString(layout.keyIdIn());
    for (ColumnLayout.Target t : layout.targets()) {
      Object value = in.get(t.valueIn());
      if (value == null) {
        out[t.valueOut()] = null;
        setDerived(out, t, 0, null);
        continue;
      }
      TextCipher cipher = ciphers.computeIfAbsent(keyId + "\u0000" + t.scheme().id(),
          k -> new TextCipher(keys.cipher(keyIdOrFail(keyId), t.scheme(),
              new IpCiphers.Options(true, cacheEntries, null)), cacheEntries));
      String result = encryptKeyId != null ? cipher.encrypt((String) value) : cipher.decrypt((String) value);
      if (result == null) {
        // The value is personal data: name the row and the reason, never the value.
        throw new IllegalStateException(String.format(
            "Cannot %s column %s of %s line %s: %s", encryptKeyId != null ? "encrypt" : "decrypt",
            t.name(), layout.sourceFileIn() < 0 ? "?" : in.get(layout.sourceFileIn()),
            layout.sourceLineIn() < 0 ? "?" : in.get(layout.sourceLineIn()), cipher.error()));
      }
      out[t.valueOut()] = result;
      setDerived(out, t, cipher.lastVersion(), cipher.lastBytes());
    }
    if (layout.keyIdOut() >= 0) {
      out[layout.keyIdOut()] = keyId;
    }
    return RowFactory.create(out);
  }

  private static void setDerived(Object[] out, ColumnLayout.Target t, int version, byte[] bytes) {
    if (t.versionOut() >= 0) {
      out[t.versionOut()] = version == 0 ? null : version;
    }
    if (t.bytesOut() >= 0) {
      out[t.bytesOut()] = bytes;
    }
  }

  private static String keyIdOrFail(String keyId) {
    if (keyId == null) {
      throw new IllegalStateException("A row has no key_id; it was not written by ippipe encrypt");
    }
    return keyId;
  }

  @Override
  public String toString() {
    // Spark prints the function in plans and logs: say what it does, nothing about keys.
    return "CipherRows(" + (encryptKeyId != null ? "encrypt, key id " + encryptKeyId : "decrypt")
        + ", " + layout.targets().size() + " columns)";
  }
}
