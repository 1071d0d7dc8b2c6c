package io.ippipe.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.jobs.io.OutputWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _metrics/dt=D/run.json}: one document per date gathered from the stages' own metrics
 * (whether they ran now or earlier) plus this run's stage statuses and timings.
 */
final class RunMetrics {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final LocalDate date;
  private final Map<String, Object> doc;

  private RunMetrics(LocalDate date, Map<String, Object> doc) {
    this.date = date;
    this.doc = doc;
  }

  Map<String, Object> document() {
    return doc;
  }

  static RunMetrics collect(Configuration conf, String lake, LocalDate date,
      List<RunJob.StageRun> stages, String digest) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", date.toString());
    doc.put("config_digest", digest);
    doc.put("finished_at", java.time.Instant.now().toString());
    doc.put("stages", stages);

    JsonNode validate = read(conf, lake, date, "validate.json");
    if (validate != null) {
      Map<String, Object> rows = new LinkedHashMap<>();
      Map<String, Map<String, Long>> rejects = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = validate.path("datasets").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> d = it.next();
        JsonNode m = d.getValue();
        rows.put(d.getKey(), Map.of("read", m.path("recordsRead").asLong(), "valid",
            m.path("valid").asLong(), "rejected", m.path("rejected").asLong(), "written",
            m.path("rowsWritten").asLong()));
        Map<String, Long> byReason = new TreeMap<>();
        for (JsonNode f : m.path("files")) {
          f.path("rejectedByReason").fields().forEachRemaining(r ->
              byReason.merge(r.getKey(), r.getValue().asLong(), Long::sum));
        }
        rejects.put(d.getKey(), byReason);
      }
      doc.put("validate", Map.of("rows", rows, "rejects_by_reason", rejects,
          "gate_breached", validate.path("gate_breached").asBoolean()));
    }
    JsonNode geotag = read(conf, lake, date, "geotag.json");
    if (geotag != null) {
      Map<String, Object> coverage = new LinkedHashMap<>();
      for (JsonNode d : geotag.path("datasets")) {
        d.path("geoStatus").fields().forEachRemaining(c -> coverage.put(
            d.path("dataset").asText() + "." + c.getKey(), JSON.convertValue(c.getValue(), Map.class)));
      }
      doc.put("geo_status", coverage);
    }
    JsonNode encrypt = read(conf, lake, date, "encrypt.json");
    if (encrypt != null) {
      Map<String, Long> rows = new LinkedHashMap<>();
      for (JsonNode d : encrypt.path("datasets")) {
        rows.put(d.path("dataset").asText(), d.path("rows").asLong());
      }
      doc.put("encrypt", Map.of("key_id", encrypt.path("key_id").asText(), "rows", rows));
    }
    JsonNode probe = read(conf, lake, date, "probe.json");
    if (probe != null) {
      doc.put("probe", Map.of("checks", probe.path("checks").asLong(),
          "attempts", probe.path("attempts").asLong(),
          "due", JSON.convertValue(probe.path("due"), Map.class),
          "outcomes", JSON.convertValue(probe.path("outcomes"), Map.class),
          "anonymity", JSON.convertValue(probe.path("anonymity"), Map.class),
          "checks_per_second", probe.path("checks_per_second").asDouble()));
    }
    JsonNode score = read(conf, lake, date, "score.json");
    if (score != null) {
      doc.put("score", Map.of("proxies", score.path("proxies").asLong(),
          "with_requests", score.path("with_requests_today").asLong(),
          "excluded", JSON.convertValue(score.path("excluded"), Map.class),
          "histogram", JSON.convertValue(score.path("score_histogram"), Map.class)));
    }
    JsonNode publish = read(conf, lake, date, "publish.json");
    if (publish != null) {
      Map<String, Long> byCountry = new TreeMap<>();
      publish.path("groups").fields().forEachRemaining(g ->
          byCountry.merge(g.getKey().split(":")[0], g.getValue().asLong(), Long::sum));
      Map<String, Object> pool = new LinkedHashMap<>();
      pool.put("version", publish.path("version").asText());
      pool.put("store", publish.path("store").asText());
      pool.put("size", publish.path("pool_size").asLong());
      pool.put("by_group", JSON.convertValue(publish.path("groups"), Map.class));
      pool.put("by_country", byCountry);
      pool.put("changes", JSON.convertValue(publish.path("changes"), Map.class));
      pool.put("top", JSON.convertValue(publish.path("top"), List.class));
      doc.put("pool", pool);
    }
    return new RunMetrics(date, doc);
  }

  private static JsonNode read(Configuration conf, String lake, LocalDate date, String name)
      throws IOException {
    Path p = new Path(lake + "/_metrics/dt=" + date + "/" + name);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      return null;
    }
    try (InputStream in = fs.open(p)) {
      return JSON.readTree(in);
    }
  }

  String write(Configuration conf, String lake) throws IOException {
    String file = lake + "/_metrics/dt=" + date + "/run.json";
    OutputWriter.writeText(conf, file, JSON.writeValueAsString(doc));
    return file;
  }

  @SuppressWarnings("unchecked")
  List<String> topOfPool() {
    Object pool = doc.get("pool");
    if (pool == null) {
      return List.of();
    }
    Object top = ((Map<String, Object>) pool).get("top");
    return top == null ? List.of() : new ArrayList<>((List<String>) top);
  }
}
