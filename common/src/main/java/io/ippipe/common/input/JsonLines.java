package io.ippipe.common.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * JSON text lines read into trees that may cost at most a given number of objects, arrays and
 * strings, counted as the tree is built: a 4 MB line of nested {@code [[{},{},...]]} built about
 * 140 MB of nodes before any check could see it. Numbers and literals are not counted (small
 * ones are shared, and a line holds few enough of the others to cost little).
 *
 * <p>Not thread-safe: one per parser, as each task has its own.
 */
final class JsonLines {
  /** A line whose tree would pass the budget; thrown while building, without a stack trace. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(int maxNodes) {
      super("more than " + maxNodes + " JSON objects, arrays and strings on one line", null,
          false, false);
    }
  }

  private final int maxNodes;
  private final ObjectReader reader;
  private int nodes;

  JsonLines(int maxNodes) {
    this.maxNodes = maxNodes;
    this.reader = new ObjectMapper().reader().with(new CountingFactory());
  }

  /** The line's tree, or null for a line without a value; TooLarge past the budget. */
  JsonNode read(String line) throws JsonProcessingException {
    nodes = 0;
    return reader.readTree(line);
  }

  private void count() {
    if (++nodes > maxNodes) {
      throw new TooLarge(maxNodes);
    }
  }

  private final class CountingFactory extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public ObjectNode objectNode() {
      count();
      return super.objectNode();
    }

    @Override
    public ArrayNode arrayNode() {
      count();
      return super.arrayNode();
    }

    @Override
    public ArrayNode arrayNode(int capacity) {
      count();
      return super.arrayNode(capacity);
    }

    @Override
    public TextNode textNode(String text) {
      count();
      return super.textNode(text);
    }
  }
}
