package io.ippipe.jobs.encrypt;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.io.OutputWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _encryption.json} beside an encrypted partition: which columns hold which scheme, in
 * which encoding, under which key ids (with key check values, never keys). decrypt reads it, so
 * that it never depends on today's config matching the day the data was written. Spark, Trino
 * and DuckDB skip files whose names start with '_'.
 */
public record EncryptionManifest(
    @JsonProperty("format") String format,
    @JsonProperty("dataset") String dataset,
    @JsonProperty("date") String date,
    @JsonProperty("mode") String mode,
    @JsonProperty("key_derivation") String keyDerivation,
    @JsonProperty("columns") List<Column> columns,
    @JsonProperty("key_check_values") Map<String, Map<String, String>> keyCheckValues,
    @JsonProperty("rows") long rows) {

  public static final String FILE = "_encryption.json";
  public static final String FORMAT = "ippipe-encryption-v1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param encoding {@code ip}: the column holds an IP address; {@code hex}: lowercase hex of
   *     tweak || ciphertext
   */
  public record Column(@JsonProperty("column") String column,
      @JsonProperty("stored_in") String storedIn, @JsonProperty("scheme") String scheme,
      @JsonProperty("encoding") String encoding) {}

  public void write(Configuration hadoop, String dir) throws IOException {
    OutputWriter.writeText(hadoop, dir + "/" + FILE, JSON.writeValueAsString(this));
  }

  public static EncryptionManifest read(Configuration hadoop, String dir) {
    Path file = new Path(dir, FILE);
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        throw new ConfigException("Cannot decrypt " + dir + ": no " + FILE
            + " there, so it was not written by ippipe encrypt");
      }
      try (InputStream in = fs.open(file)) {
        EncryptionManifest m = JSON.readValue(in, EncryptionManifest.class);
        if (!FORMAT.equals(m.format())) {
          throw new ConfigException("Cannot decrypt " + dir + ": " + FILE + " has format "
              + m.format() + ", expected " + FORMAT);
        }
        return m;
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
    }
  }
}
