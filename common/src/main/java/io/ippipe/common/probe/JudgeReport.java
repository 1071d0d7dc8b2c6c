package io.ippipe.common.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the judge saw of one request, as the JSON it answers with:
 * {@code {"marker": "...", "origin": "203.0.113.5", "headers": {"Via": "...", ...}}}.
 * The marker is the random value the checker put into the request path; a response without it
 * did not come from the judge, whatever its status.
 */
public record JudgeReport(String marker, String origin, Map<String, String> headers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("marker", marker);
    root.put("origin", origin);
    ObjectNode h = root.putObject("headers");
    headers.forEach(h::put);
    return root.toString();
  }

  /** The report in {@code body}, or null when the body is not a judge's answer. */
  public static JudgeReport parse(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject() || !root.path("marker").isTextual()
          || !root.path("origin").isTextual() || !root.path("headers").isObject()) {
        return null;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      root.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
      return new JudgeReport(root.get("marker").asText(), root.get("origin").asText(), headers);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
