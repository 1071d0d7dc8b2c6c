package io.ippipe.jobs.encrypt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.ColumnScheme;
import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.io.OutputWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * encrypt: pseudonymises the configured address columns of one date's validated (or enriched)
 * tables into {@code encrypted/<dataset>/dt=D/}, with a key_id column and an
 * {@code _encryption.json} manifest. The schemes live in common; this class wires them in.
 */
public final class EncryptJob {
  private static final Logger LOG = LoggerFactory.getLogger(EncryptJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param root the lake the inputs are read from
   * @param outputRoot where this run's outputs go: the lake itself, or a staging directory that
   *     {@code ippipe run} commits into the lake afterwards
   */
  public record Options(LocalDate date, String root, String outputRoot) {
    public Options(LocalDate date, String root) {
      this(date, root, root);
    }
  }

  public record DatasetResult(String dataset, String input, String output, long rows,
      List<String> columns) {}

  public record Result(LocalDate date, String keyId, List<DatasetResult> datasets, String metricsFile) {}

  private EncryptJob() {}

  /**
   * Everything about keys that can fail, checked before Spark reads anything: the key id is
   * set and known, and every configured scheme accepts its key.
   */
  public static void checkKeys(PipelineConfig config, KeyRing keys) {
    String keyId = config.get(Keys.ENCRYPT_KEY_ID);
    if (keyId.isEmpty()) {
      throw new ConfigException("encrypt.key_id is not set: name the key id to encrypt with, one "
          + "of " + keys.ids());
    }
    List<ColumnScheme> columns = config.get(Keys.ENCRYPT_COLUMNS);
    if (columns.isEmpty()) {
      throw new ConfigException("encrypt.columns is empty: nothing to encrypt");
    }
    for (ColumnScheme c : columns) {
      keys.cipher(keyId, c.scheme(), IpCiphers.Options.defaults());
    }
  }

  public static Result run(SparkSession spark, PipelineConfig config, KeyRing keys, Options options)
      throws Exception {
    checkKeys(config, keys);
    String keyId = config.get(Keys.ENCRYPT_KEY_ID);
    boolean add = config.get(Keys.ENCRYPT_MODE).equals("add");
    String source = config.get(Keys.ENCRYPT_SOURCE);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String dt = "dt=" + options.date();

    Map<String, List<ColumnScheme>> byDataset = new TreeMap<>();
    for (ColumnScheme c : config.get(Keys.ENCRYPT_COLUMNS)) {
      byDataset.computeIfAbsent(c.dataset(), d -> new ArrayList<>()).add(c);
    }
    // Plan every dataset (inputs exist, columns exist) before writing any of them.
    Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
    Map<String, ColumnLayout> layouts = new LinkedHashMap<>();
    for (Map.Entry<String, List<ColumnScheme>> e : byDataset.entrySet()) {
      String input = options.root() + "/" + source + "/" + e.getKey() + "/" + dt;
      Path inputPath = new Path(input);
      if (!inputPath.getFileSystem(hadoop).exists(inputPath)) {
        throw new ConfigException("Cannot encrypt " + e.getKey() + " of " + options.date() + ": "
            + input + " does not exist; run " + (source.equals("validated") ? "validate" : "geotag")
            + " first, or drop " + e.getKey() + ".* from encrypt.columns");
      }
      Dataset<Row> rows = spark.read().parquet(input);
      inputs.put(e.getKey(), rows);
      layouts.put(e.getKey(), ColumnLayout.forEncrypt(e.getKey(), rows.schema(), e.getValue(), add));
    }

    int cacheEntries = config.get(Keys.ENCRYPT_CACHE_ENTRIES);
    List<DatasetResult> results = new ArrayList<>();
    for (Map.Entry<String, Dataset<Row>> e : inputs.entrySet()) {
      String dataset = e.getKey();
      ColumnLayout layout = layouts.get(dataset);
      spark.sparkContext().setJobGroup("encrypt-" + dataset, "ippipe encrypt " + dataset + " "
          + options.date(), false);
      long read = e.getValue().count();
      String output = options.outputRoot() + "/encrypted/" + dataset + "/" + dt;
      Dataset<Row> encrypted = layout.apply(e.getValue(), keys, keyId, cacheEntries);
      // No repartition: the input files are already sized by output.rows_per_file.
      OutputWriter.writeAsIs(encrypted, output);
      long written = spark.read().parquet(output).count();
      if (written != read) {
        throw new IllegalStateException("Cannot reconcile encrypt of " + dataset + ": read " + read
            + " rows, wrote " + written);
      }
      List<EncryptionManifest.Column> columns = new ArrayList<>();
      Map<String, String> checkValues = new TreeMap<>();
      for (ColumnScheme c : byDataset.get(dataset)) {
        columns.add(new EncryptionManifest.Column(c.column(),
            add ? c.column() + ColumnLayout.ENCRYPTED_SUFFIX : c.column(), c.scheme().id(),
            c.scheme().outputIsAddress() ? "ip" : "hex"));
        checkValues.put(c.scheme().id(), keys.checkValue(keyId, c.scheme()));
      }
      new EncryptionManifest(EncryptionManifest.FORMAT, dataset, options.date().toString(),
          add ? "add" : "replace", keys.derivation().name().toLowerCase(), columns,
          Map.of(keyId, checkValues), written).write(hadoop, output);
      results.add(new DatasetResult(dataset, options.root() + "/" + source + "/" + dataset + "/" + dt,
          output, written,
          byDataset.get(dataset).stream().map(ColumnScheme::toString).toList()));
      LOG.info("encrypt {} {}: {} rows, columns {}, key id {}", options.date(), dataset, written,
          byDataset.get(dataset), keyId);
    }
    String metricsFile = options.outputRoot() + "/_metrics/" + dt + "/encrypt.json";
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", options.date().toString());
    doc.put("key_id", keyId);
    doc.put("mode", add ? "add" : "replace");
    doc.put("datasets", results);
    OutputWriter.writeText(hadoop, metricsFile, JSON.writeValueAsString(doc));
    return new Result(options.date(), keyId, results, metricsFile);
  }
}
