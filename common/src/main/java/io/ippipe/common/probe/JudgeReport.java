package io.ippipe.common.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the judge saw of one request, as the JSON it answers with:
 * {@code {"marker": "...", "origin": "203.0.113.5", "headers": {"Via": "...", ...},
 * "signature": "..."}}. The marker is the random value the checker put into the request path;
 * the signature ({@link JudgeKey}) proves that the judge, not whoever relayed the answer, wrote
 * the rest. {@code signature} is null in a report not yet signed or not signed at all.
 */
public record JudgeReport(String marker, String origin, Map<String, String> headers,
    String signature) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The report signed with {@code key}. */
  public static JudgeReport signed(String marker, String origin, Map<String, String> headers,
      JudgeKey key) {
    return new JudgeReport(marker, origin, headers, key.sign(marker, origin, headers));
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("marker", marker);
    root.put("origin", origin);
    ObjectNode h = root.putObject("headers");
    headers.forEach(h::put);
    if (signature != null) {
      root.put("signature", signature);
    }
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
      JsonNode signature = root.path("signature");
      return new JudgeReport(root.get("marker").asText(), root.get("origin").asText(), headers,
          signature.isTextual() ? signature.asText() : null);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
