package io.ippipe.jobs.encrypt;

import static org.apache.spark.sql.functions.col;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.io.OutputWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * decrypt: for a key holder, reverses one date of an encrypted dataset into
 * {@code decrypted/<dataset>/dt=D/}, choosing each row's key by its key_id, so data written
 * under several live key ids (rotation) decrypts in one run. The output has the schema the
 * data had before encrypt.
 */
public final class DecryptJob {
  private static final Logger LOG = LoggerFactory.getLogger(DecryptJob.class);

  public record Options(LocalDate date, String dataset, String root) {}

  public record Result(String input, String output, long rows, List<String> keyIds) {}

  private DecryptJob() {}

  public static Result run(SparkSession spark, PipelineConfig config, KeyRing keys, Options options) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String dt = "dt=" + options.date();
    String input = options.root() + "/encrypted/" + options.dataset() + "/" + dt;
    try {
      Path p = new Path(input);
      if (!p.getFileSystem(hadoop).exists(p)) {
        throw new ConfigException("Cannot decrypt: " + input + " does not exist");
      }
    } catch (java.io.IOException e) {
      throw new ConfigException("Cannot decrypt: cannot read " + input + ": " + e.getMessage());
    }
    EncryptionManifest manifest = EncryptionManifest.read(hadoop, input);
    Dataset<Row> rows = spark.read().parquet(input);
    Result r = decrypt(spark, keys, manifest, rows, input,
        options.root() + "/decrypted/" + options.dataset() + "/" + dt, config.get(Keys.ENCRYPT_CACHE_ENTRIES));
    LOG.info("decrypt {} {}: {} rows, key ids {}", options.date(), options.dataset(), r.rows(), r.keyIds());
    return r;
  }

  /**
   * Decrypts rows described by a manifest. Key ids are checked first (present in the ring,
   * check values equal to the manifest's), so a missing or wrong key exits 2 before anything
   * is written.
   */
  static Result decrypt(SparkSession spark, KeyRing keys, EncryptionManifest manifest,
      Dataset<Row> rows, String input, String output, int cacheEntries) {
    ColumnLayout layout = ColumnLayout.forDecrypt(input, rows.schema(), manifest.columns());
    List<String> keyIds = new ArrayList<>();
    for (Row r : rows.select(col(ColumnLayout.KEY_ID)).distinct().collectAsList()) {
      keyIds.add(r.getString(0));
    }
    for (String keyId : keyIds) {
      if (!keys.ids().contains(keyId)) {
        throw new ConfigException("Cannot decrypt " + input + ": its rows use key id '" + keyId
            + "', which is not in crypto.keys " + keys.ids());
      }
      Map<String, String> expected = manifest.keyCheckValues().get(keyId);
      for (EncryptionManifest.Column c : manifest.columns()) {
        Scheme scheme = Scheme.fromId(c.scheme());
        String actual = keys.checkValue(keyId, scheme);
        if (expected != null && expected.containsKey(scheme.id()) && !expected.get(scheme.id()).equals(actual)) {
          throw new ConfigException("Cannot decrypt " + input + ": key '" + keyId + "' is not the key "
              + "the data was encrypted with (its " + scheme.id() + " check value differs; check "
              + "crypto.keys and crypto.key_derivation, which was " + manifest.keyDerivation() + ")");
        }
      }
    }
    long read = rows.count();
    Dataset<Row> plain = layout.apply(rows, keys, null, cacheEntries);
    OutputWriter.writeAsIs(plain, output);
    long written = spark.read().parquet(output).count();
    if (written != read) {
      throw new IllegalStateException("Cannot reconcile decrypt of " + input + ": read " + read
          + " rows, wrote " + written);
    }
    return new Result(input, output, written, keyIds);
  }
}
