package io.ippipe.jobs.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.jobs.lake.Lake;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code _runs/dt=D/<stage>.json}: written after a stage's outputs are committed, so its presence
 * means the stage is done for that date, and it records what the stage consumed: its input files
 * (path, size, modification time), the effective value of every config key it reads (secrets as
 * a digest), and the run id of each upstream stage's marker. A rerun compares that record with
 * today's and redoes a stage whose inputs, config or upstream changed, saying which.
 *
 * @param runId unique per completion: a downstream marker names the upstream completion it read
 */
public record StageMarker(String stage, String date, String runId, long finishedAtMillis,
    double seconds, List<io.ippipe.jobs.io.InputFile> inputs, Map<String, String> config,
    Map<String, String> upstream, String summary) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static StageMarker read(Lake lake, LocalDate date, Stage stage) throws IOException {
    String text = lake.readText(lake.markerFile(date, stage.id()));
    if (text == null) {
      return null;
    }
    try {
      return JSON.readValue(text, StageMarker.class);
    } catch (IOException e) {
      // A marker from an older ippipe, or a torn one: the stage is not known to be done.
      return null;
    }
  }

  void write(Lake lake) throws IOException {
    lake.writeText(lake.markerFile(LocalDate.parse(date), stage),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
  }

  static void delete(Lake lake, LocalDate date, Stage stage) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(lake.markerFile(date, stage.id()));
    p.getFileSystem(lake.conf()).delete(p, false);
  }

  /**
   * Why this marker no longer describes what the stage would consume now, or null when it
   * does: "inputs changed: 2 new files", "config changed: score.prior", "upstream ingest redone".
   *
   * @param inputs today's input files, or null when the stage reads none (or they were not given)
   * @param upstream today's run id of each upstream stage's marker
   */
  String staleness(List<io.ippipe.jobs.io.InputFile> inputs, Map<String, String> config,
      Map<String, String> upstream) {
    List<String> why = new ArrayList<>();
    if (inputs != null && this.inputs != null) {
      Map<String, io.ippipe.jobs.io.InputFile> before = new TreeMap<>();
      this.inputs.forEach(f -> before.put(f.path(), f));
      int added = 0;
      int changed = 0;
      for (io.ippipe.jobs.io.InputFile f : inputs) {
        io.ippipe.jobs.io.InputFile b = before.remove(f.path());
        if (b == null) {
          added++;
        } else if (!b.equals(f)) {
          changed++;
        }
      }
      List<String> parts = new ArrayList<>();
      if (added > 0) {
        parts.add(added + " new " + (added == 1 ? "file" : "files"));
      }
      if (changed > 0) {
        parts.add(changed + " changed");
      }
      if (!before.isEmpty()) {
        parts.add(before.size() + " gone");
      }
      if (!parts.isEmpty()) {
        why.add("inputs changed: " + String.join(", ", parts));
      }
    }
    Set<String> keys = new TreeSet<>(config.keySet());
    keys.addAll(this.config == null ? Set.of() : this.config.keySet());
    List<String> changedKeys = new ArrayList<>();
    for (String k : keys) {
      if (!Objects.equals(config.get(k), this.config == null ? null : this.config.get(k))) {
        changedKeys.add(k);
      }
    }
    if (!changedKeys.isEmpty()) {
      why.add("config changed: " + String.join(", ", changedKeys));
    }
    for (Map.Entry<String, String> u : upstream.entrySet()) {
      String recorded = this.upstream == null ? null : this.upstream.get(u.getKey());
      if (!Objects.equals(recorded, u.getValue())) {
        why.add("upstream " + u.getKey() + " redone");
      }
    }
    return why.isEmpty() ? null : String.join("; ", why);
  }
}
