package io.ippipe.jobs.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.jobs.io.OutputWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _runs/dt=D/<stage>.json}: written after a stage's outputs are committed, so its presence
 * means the stage is done for that date.
 *
 * @param finishedAtMillis when the stage committed; a stage whose upstream finished later is stale
 */
public record StageMarker(String stage, String date, long finishedAtMillis, double seconds,
    String configDigest) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String path(String lake, LocalDate date, Stage stage) {
    return lake + "/_runs/dt=" + date + "/" + stage.id() + ".json";
  }

  static StageMarker read(Configuration conf, String lake, LocalDate date, Stage stage) throws IOException {
    Path p = new Path(path(lake, date, stage));
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return null;
    }
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, StageMarker.class);
    }
  }

  void write(Configuration conf, String lake) throws IOException {
    OutputWriter.writeText(conf, path(lake, LocalDate.parse(date), Stage.of(stage)),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
  }

  static void delete(Configuration conf, String lake, LocalDate date, Stage stage) throws IOException {
    Path p = new Path(path(lake, date, stage));
    p.getFileSystem(conf).delete(p, false);
  }
}
