package io.ippipe.jobs.encrypt;

import static org.apache.spark.sql.functions.col;

import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.io.Footers;
import io.ippipe.jobs.io.OutputWriter;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.Tables;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * decrypt: for a key holder, one date of the requests table with the customer's address back in
 * plaintext, written to a directory outside the lake (the lake holds no plaintext customer
 * address): {@code OUT/requests/dt=D/}, the requests schema without {@code key_id}. Each row is
 * decrypted with the key of its key_id; every key id is verified against the check values
 * recorded when the data was written, and an unverifiable one stops the job before it writes.
 */
public final class DecryptJob {
  private static final Logger LOG = LoggerFactory.getLogger(DecryptJob.class);

  /** @param insideLake the operator's explicit consent to write plaintext under the lake */
  public record Options(LocalDate date, String lake, String out, boolean insideLake) {}

  public record Result(String input, String output, long rows, List<String> keyIds) {}

  private DecryptJob() {}

  public static Result run(SparkSession spark, KeyRing keys, int cacheEntries, Options o)
      throws IOException {
    Lake lake = new Lake(o.lake(), spark.sparkContext().hadoopConfiguration());
    checkOutside(lake, o);
    if (!lake.exists(Tables.REQUESTS, o.date())) {
      throw new ConfigException("Cannot decrypt: no requests at "
          + lake.partition(Tables.REQUESTS, o.date()));
    }
    String input = lake.partition(Tables.REQUESTS, o.date());
    EncryptionManifest manifest = EncryptionManifest.read(lake.conf(), input);
    Dataset<Row> rows = lake.read(spark, Tables.REQUESTS, o.date());
    List<String> keyIds = new ArrayList<>();
    for (Row r : rows.select(col(ColumnLayout.KEY_ID)).distinct().collectAsList()) {
      keyIds.add(r.getString(0));
    }
    verify(keys, manifest, keyIds, input);
    String output = o.out().replaceAll("/+$", "") + "/" + Tables.REQUESTS.name() + "/"
        + Lake.DATE_COLUMN + "=" + o.date();
    ColumnLayout layout = ColumnLayout.forDecrypt(input, rows.schema(), manifest.columns());
    Scheme scheme = Scheme.fromId(manifest.columns().get(0).scheme());
    OutputWriter.writeAsIs(layout.apply(rows, keys.only(scheme, keyIds), null, cacheEntries),
        output, Tables.REQUESTS.writeOptions());
    io.ippipe.jobs.run.Faults.hit("decrypt.before-reconcile", output);
    long written = Footers.rows(lake.conf(), output);
    if (written != manifest.rows()) {
      // A partial plaintext copy is worse than none: it would pass for the whole day.
      Path partial = new Path(output);
      partial.getFileSystem(lake.conf()).delete(partial, true);
      throw new IllegalStateException("Cannot reconcile decrypt of " + input + ": it holds "
          + manifest.rows() + " rows, " + written + " were written");
    }
    LOG.info("decrypt {}: {} rows, key ids {}", o.date(), written, keyIds);
    return new Result(input, output, written, keyIds);
  }

  /** The plaintext goes outside the lake unless the operator says otherwise. */
  private static void checkOutside(Lake lake, Options o) throws IOException {
    Path root = new Path(lake.root());
    Path out = new Path(o.out());
    String rootUri = root.getFileSystem(lake.conf()).makeQualified(root).toString() + "/";
    String outUri = out.getFileSystem(lake.conf()).makeQualified(out).toString() + "/";
    if (outUri.startsWith(rootUri) && !o.insideLake()) {
      throw new ConfigException("Cannot decrypt into " + o.out() + ": it is inside the lake "
          + lake.root() + ", which holds no plaintext customer address; choose a directory "
          + "outside it, or pass --inside-lake to accept that");
    }
  }

  /**
   * Every key id of the rows must be one the data recorded a check value for, under every
   * scheme it used, and the configured key must have that check value: a key id it cannot verify
   * would decrypt into plausible but wrong addresses.
   */
  static void verify(KeyRing keys, EncryptionManifest manifest, List<String> keyIds,
      String input) {
    for (String keyId : keyIds) {
      Map<String, String> expected = manifest.keyCheckValues().get(keyId);
      if (expected == null) {
        throw new ConfigException("Cannot decrypt " + input + ": its rows use key id '" + keyId
            + "', for which " + EncryptionManifest.FILE + " records no check value, so the key "
            + "cannot be verified; it lists " + manifest.keyCheckValues().keySet());
      }
      if (!keys.ids().contains(keyId)) {
        throw new ConfigException("Cannot decrypt " + input + ": its rows use key id '" + keyId
            + "', which is not in crypto.keys " + keys.ids());
      }
      for (EncryptionManifest.Column c : manifest.columns()) {
        Scheme scheme = Scheme.fromId(c.scheme());
        String recorded = expected.get(scheme.id());
        if (recorded == null) {
          throw new ConfigException("Cannot decrypt " + input + ": no " + scheme.id()
              + " check value recorded for key id '" + keyId + "'");
        }
        if (!recorded.equals(keys.checkValue(keyId, scheme))) {
          throw new ConfigException("Cannot decrypt " + input + ": key '" + keyId + "' is not the "
              + "key the data was encrypted with (its " + scheme.id() + " check value differs; "
              + "check crypto.keys and crypto.key_derivation, which was "
              + manifest.keyDerivation() + ")");
        }
      }
    }
  }
}
