package io.ippipe.common.input;

import io.ippipe.common.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Runs a parser over a real file line by line, the way the validate job does. */
final class RealFiles {
  private RealFiles() {}

  record Tally(int lines, int valid, Map<String, Integer> rejects, List<Object> values) {
    int rejected() {
      return rejects.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  static <T> Tally run(String relative, Function<String, List<Parsed<T>>> parser) throws IOException {
    byte[] all = Files.readAllBytes(TestData.real(relative));
    TextLines.Decoder decoder = new TextLines.Decoder(1 << 22);
    int lines = 0;
    int valid = 0;
    Map<String, Integer> rejects = new TreeMap<>();
    List<Object> values = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length && start == all.length) {
        break;
      }
      if (i == all.length || all[i] == '\n') {
        lines++;
        byte[] line = java.util.Arrays.copyOfRange(all, start, i);
        start = i + 1;
        Parsed<String> text = decoder.decode(line, line.length);
        List<Parsed<T>> results = text.isValid() ? parser.apply(text.value()) : List.of(text.asReject());
        for (Parsed<T> p : results) {
          if (p.isValid()) {
            valid++;
            values.add(p.value());
          } else {
            rejects.merge(p.reason().name(), 1, Integer::sum);
          }
        }
      }
    }
    return new Tally(lines, valid, rejects, values);
  }

  static String text(String relative) throws IOException {
    return new String(Files.readAllBytes(TestData.real(relative)), StandardCharsets.UTF_8);
  }
}
