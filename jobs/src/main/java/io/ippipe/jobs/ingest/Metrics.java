package io.ippipe.jobs.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Metrics documents as indented JSON. */
final class Metrics {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Metrics() {}

  static String json(Object doc) throws JsonProcessingException {
    return JSON.writeValueAsString(doc);
  }
}
