package io.ippipe.jobs.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per file, the first line number of each split: the running sum of the line counts of the
 * splits before it, so that a record's line number is exact although its file was read in
 * parallel. Built on the driver from the splits' line counts.
 */
public final class LineNumbers implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One split's first line. */
  public record SplitStart(String file, long splitStart, long firstLine) {}

  private final Map<String, Map<Long, Long>> firstLineOfSplit = new HashMap<>();
  private final Map<String, Long> linesPerFile = new HashMap<>();

  /** @param splitLines file -> split start -> lines read in that split */
  public LineNumbers(Map<String, ? extends Map<Long, Long>> splitLines) {
    splitLines.forEach((file, splits) -> {
      Map<Long, Long> first = new HashMap<>();
      long next = 1;
      for (Map.Entry<Long, Long> e : new TreeMap<>(splits).entrySet()) {
        first.put(e.getKey(), next);
        next += e.getValue();
      }
      firstLineOfSplit.put(file, first);
      linesPerFile.put(file, next - 1);
    });
  }

  public long lineNumber(String file, long splitStart, long indexInSplit) {
    return firstLineOfSplit.get(file).get(splitStart) + indexInSplit;
  }

  public Map<String, Long> linesPerFile() {
    return linesPerFile;
  }

  public List<SplitStart> splitStarts() {
    List<SplitStart> out = new ArrayList<>();
    firstLineOfSplit.forEach((file, m) -> m.forEach((s, l) -> out.add(new SplitStart(file, s, l))));
    return out;
  }
}
