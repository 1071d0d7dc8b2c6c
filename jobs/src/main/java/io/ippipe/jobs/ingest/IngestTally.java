package io.ippipe.jobs.ingest;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * What one pass over an input counted, gathered by its tasks as they parse: lines per input
 * split (for exact line numbers), records per file by outcome (the accounting), and per task
 * what it wrote (checked against the committed files). An accumulator of a result stage: Spark
 * merges the counts of each task's one successful attempt only, so a retried or speculative
 * task is counted once, as its output is committed once.
 */
public final class IngestTally extends AccumulatorV2<IngestTally.Counts, IngestTally.Counts> {
  private static final long serialVersionUID = 1L;

  /** Per input file: records read, valid, and rejected by reason. */
  public static final class FileCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    public long records;
    public long valid;
    public final TreeMap<String, Long> rejected = new TreeMap<>();
    /**
     * Rows of a corrupt Parquet file that could not be read, for which one TRUNCATED_INPUT
     * reject stands (set on the driver after the pass).
     */
    public long unreadRows;

    void add(FileCounts o) {
      records += o.records;
      unreadRows += o.unreadRows;
      valid += o.valid;
      o.rejected.forEach((k, v) -> rejected.merge(k, v, Long::sum));
    }

    public long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * What one task wrote: valid rows into the table, rejects into its side file (or none), and
   * the evidence of its requests that named a proxy, per endpoint, into another (or none).
   */
  public record TaskCounts(long valid, long rejects, String rejectFile, long evidenceRequests,
      long evidenceEndpoints, String evidenceFile) implements Serializable {}

  /** The counts themselves; the accumulator's value. */
  public static final class Counts implements Serializable {
    private static final long serialVersionUID = 1L;
    /** file -> split start -> lines read in that split. */
    public final TreeMap<String, TreeMap<Long, Long>> splitLines = new TreeMap<>();
    public final TreeMap<String, FileCounts> files = new TreeMap<>();
    public final TreeMap<Integer, TaskCounts> tasks = new TreeMap<>();

    public FileCounts file(String file) {
      return files.computeIfAbsent(file, f -> new FileCounts());
    }

    void add(Counts o) {
      o.splitLines.forEach((f, m) -> {
        TreeMap<Long, Long> mine = splitLines.computeIfAbsent(f, x -> new TreeMap<>());
        m.forEach((s, n) -> mine.merge(s, n, Long::sum));
      });
      o.files.forEach((f, c) -> file(f).add(c));
      tasks.putAll(o.tasks);
    }

    /** A copy that later additions to this one leave alone. */
    public Counts copy() {
      Counts c = new Counts();
      c.add(this);
      return c;
    }

    boolean isEmpty() {
      return splitLines.isEmpty() && files.isEmpty() && tasks.isEmpty();
    }
  }

  /**
   * An executor's heartbeat thread reads the accumulators of running tasks: {@code isZero}, where
   * an exception stops the executor's heartbeats for good (the driver then drops the executor
   * after the network timeout), and on a cluster their serialised form. So the counts are
   * volatile, a task's add replaces them whole instead of changing what a heartbeat may be
   * reading, and null reads as zero: AccumulatorV2's readObject registers the tally with its task
   * before this class's part is read. Transient, and read by {@link #readObject}, so that their
   * one write after deserialisation is the volatile one.
   */
  private transient volatile Counts counts = new Counts();

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    out.writeObject(value());
  }

  private void readObject(java.io.ObjectInputStream in)
      throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    counts = (Counts) in.readObject();
  }

  @Override
  public boolean isZero() {
    return value().isEmpty();
  }

  @Override
  public AccumulatorV2<Counts, Counts> copy() {
    IngestTally t = new IngestTally();
    t.counts.add(value());
    return t;
  }

  /** What Spark sends with each task: empty, without copying the driver's counts first. */
  @Override
  public AccumulatorV2<Counts, Counts> copyAndReset() {
    return new IngestTally();
  }

  @Override
  public void reset() {
    counts = new Counts();
  }

  /** Once per task, at its end, on the executor. */
  @Override
  public void add(Counts v) {
    Counts next = value().copy();
    next.add(v);
    counts = next;
  }

  /** On the driver, once per finished task: in place, since the tally's value grows with them. */
  @Override
  public void merge(AccumulatorV2<Counts, Counts> other) {
    Counts mine = value();
    mine.add(other.value());
    counts = mine;
  }

  @Override
  public Counts value() {
    Counts c = counts;
    return c == null ? new Counts() : c;
  }

  /** Totals of every file, for the dataset's metrics. */
  public static FileCounts total(Map<String, FileCounts> files) {
    FileCounts t = new FileCounts();
    files.values().forEach(t::add);
    return t;
  }
}
