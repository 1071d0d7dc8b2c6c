package io.ippipe.jobs.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ippipe.common.error.RejectReason;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.StructType;

/**
 * One task attempt's rejects, beside the table its valid rows go to: gzip JSON lines in the
 * stage's scratch directory, named by partition and attempt, opened on the first reject. The
 * pass's tally names the file of each task's successful attempt; the job reads those, gives
 * them exact line numbers and writes the rejects table, and the scratch directory goes.
 * Raw text arrives here masked (credentials and IP literals) and cut.
 */
final class RejectFile implements AutoCloseable {
  /** The side file's fields, in the order {@link #write} writes them. */
  static final StructType SCHEMA = StructType.fromDDL("source_file STRING, split_start BIGINT, "
      + "index_in_split BIGINT, record_index INT, reason STRING, reason_code INT, detail STRING, "
      + "raw STRING");
  private static final JsonFactory JSON = new JsonFactory();

  private final Path path;
  private final Configuration conf;
  private JsonGenerator out;
  private long count;

  RejectFile(String dir, int partition, long attempt, Configuration conf) {
    this.path = new Path(dir, String.format("part-%05d-%d.json.gz", partition, attempt));
    this.conf = conf;
  }

  void write(String file, long splitStart, long index, int record, RejectReason reason,
      String detail, String raw) throws IOException {
    if (out == null) {
      OutputStream stream = new GZIPOutputStream(path.getFileSystem(conf).create(path, true), 65536);
      out = JSON.createGenerator(stream);
      out.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
    }
    out.writeStartObject();
    out.writeStringField("source_file", file);
    out.writeNumberField("split_start", splitStart);
    out.writeNumberField("index_in_split", index);
    out.writeNumberField("record_index", record);
    out.writeStringField("reason", reason.name());
    out.writeNumberField("reason_code", reason.code());
    out.writeStringField("detail", detail);
    out.writeStringField("raw", raw);
    out.writeEndObject();
    count++;
  }

  long count() {
    return count;
  }

  /** The file's name, or null when the task rejected nothing. */
  String name() {
    return out == null ? null : path.getName();
  }

  @Override
  public void close() throws IOException {
    if (out != null && !out.isClosed()) {
      out.writeRaw('\n');
      out.close();
    }
  }
}
