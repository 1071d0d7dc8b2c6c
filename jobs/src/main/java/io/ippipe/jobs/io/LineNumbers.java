package io.ippipe.jobs.io;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import scala.Tuple2;

/**
 * Per file, the first line number of each split: the running sum of the line counts of the
 * splits before it. Built on the driver from one small aggregate, then broadcast.
 */
public final class LineNumbers implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Map<Long, Long>> firstLineOfSplit = new HashMap<>();
  private final Map<String, Long> linesPerFile = new HashMap<>();

  /** @param splitLineCounts ((file, splitStart), lines in that split) */
  public LineNumbers(List<Tuple2<Tuple2<String, Long>, Long>> splitLineCounts) {
    Map<String, TreeMap<Long, Long>> byFile = new HashMap<>();
    for (Tuple2<Tuple2<String, Long>, Long> t : splitLineCounts) {
      byFile.computeIfAbsent(t._1()._1(), f -> new TreeMap<>()).put(t._1()._2(), t._2());
    }
    byFile.forEach((file, splits) -> {
      Map<Long, Long> first = new HashMap<>();
      long next = 1;
      for (Map.Entry<Long, Long> e : splits.entrySet()) {
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
}
