package io.ippipe.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.jobs.lake.Lake;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code _metrics/dt=D/run.json}: the run's stage statuses and timings, and the figures of each
 * stage's metrics document: from the stage's result when it ran now, from its
 * {@code _metrics/dt=D/<stage>.json} when it was done earlier.
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

  static RunMetrics of(Lake lake, LocalDate date, List<RunJob.StageRun> stages, String digest,
      Map<Stage, Map<String, Object>> fresh) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", date.toString());
    doc.put("config_digest", digest);
    doc.put("finished_at", java.time.Instant.now().toString());
    doc.put("stages", stages);

    JsonNode ingest = stageDoc(lake, date, Stage.INGEST, fresh);
    if (ingest != null) {
      Map<String, Object> rows = new LinkedHashMap<>();
      Map<String, Map<String, Long>> rejects = new LinkedHashMap<>();
      Map<String, Object> coverage = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = ingest.path("datasets").fields(); it.hasNext(); ) {
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
        m.path("geoStatus").fields().forEachRemaining(c -> coverage.put(
            d.getKey() + "." + c.getKey(), JSON.convertValue(c.getValue(), Map.class)));
      }
      doc.put("ingest", Map.of("rows", rows, "rejects_by_reason", rejects,
          "gate_breached", ingest.path("gate_breached").asBoolean(),
          "encryption", JSON.convertValue(ingest.path("encryption"), Map.class)));
      doc.put("geo_status", coverage);
    }
    JsonNode probe = stageDoc(lake, date, Stage.PROBE, fresh);
    if (probe != null) {
      doc.put("probe", Map.of("checks", probe.path("checks").asLong(),
          "attempts", probe.path("attempts").asLong(),
          "due", JSON.convertValue(probe.path("due"), Map.class),
          "outcomes", JSON.convertValue(probe.path("outcomes"), Map.class),
          "anonymity", JSON.convertValue(probe.path("anonymity"), Map.class),
          "checks_per_second", probe.path("checks_per_second").asDouble()));
    }
    JsonNode score = stageDoc(lake, date, Stage.SCORE, fresh);
    if (score != null) {
      doc.put("score", Map.of("proxies", score.path("proxies").asLong(),
          "with_requests", score.path("with_requests_today").asLong(),
          "excluded", JSON.convertValue(score.path("excluded"), Map.class),
          "histogram", JSON.convertValue(score.path("score_histogram"), Map.class)));
    }
    JsonNode publish = stageDoc(lake, date, Stage.PUBLISH, fresh);
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

  /** A stage's metrics: its result's when it ran now, else its committed file, else null. */
  private static JsonNode stageDoc(Lake lake, LocalDate date, Stage stage,
      Map<Stage, Map<String, Object>> fresh) throws IOException {
    if (fresh.containsKey(stage)) {
      return JSON.valueToTree(fresh.get(stage));
    }
    String text = lake.readText(lake.metricsFile(date, stage.id()));
    return text == null ? null : JSON.readTree(text);
  }

  String write(Lake lake) throws IOException {
    String file = lake.metricsFile(date, "run");
    lake.writeText(file, JSON.writeValueAsString(doc));
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
