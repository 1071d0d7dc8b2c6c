package io.ippipe.common.score;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A day's request evidence for one proxy endpoint, gathered by the task that parsed the
 * requests and merged across tasks, so that no stage reads the requests again to score: counts
 * by {@link RequestOutcome}, bytes, exit observations, first and last request, the latencies of
 * the successful requests and the number of distinct targets.
 *
 * <p>Latency quantiles are exact: the value at rank {@code ceil(p * n)}, what Spark's
 * percentile_approx gives on small groups. Latencies are whole milliseconds, so they are kept as
 * a count per distinct value, whose size is bounded by the range of latencies (a timeout), not by
 * the requests: a Zipf-popular endpoint costs kilobytes. Hand-written rather than a quantile
 * sketch: DataSketches' KLL, REQ and classic quantiles sketches compact at random, so the same
 * day merged in another order (one executor or two) gave other quantiles, other scores and
 * another pool; counts merge in any order to the same answer. Distinct targets come from an HLL
 * sketch (registers merge by maximum, in any order), exact on small sets.
 *
 * <p>Not thread-safe: one task fills one instance.
 */
public final class EndpointEvidence {
  /** Latencies buffered unsorted before they are folded into the counts per value. */
  private static final int BUFFERED_LATENCIES = 512;
  /** HLL's log2 of registers: ~1.6% relative error, exact up to a few hundred targets. */
  public static final int TARGETS_LG_K = 12;
  private static final int FORMAT = 2;

  private long attempts;
  private long successes;
  private long connectFailures;
  private long bans;
  private long upstreamErrors;
  private long bytes;
  private long exitObserved;
  private long exitMismatches;
  private long firstSeenMicros = Long.MAX_VALUE;
  private long lastSeenMicros = Long.MIN_VALUE;
  /** Recent success latencies, unsorted; folded into {@link #values} when full. */
  private long[] buffer = new long[0];
  private int buffered;
  /** Distinct latencies in ascending order, and how many successes had each. */
  private long[] values = new long[0];
  private long[] counts = new long[0];
  private int distinct;
  private HllSketch targets;

  /** One request carried by this endpoint. */
  public void add(RequestOutcome outcome, Long elapsedMs, long requestBytes, long tsMicros,
      boolean exitSeen, boolean exitMismatch, String targetHost) {
    attempts++;
    switch (outcome) {
      case SUCCESS -> {
        successes++;
        if (elapsedMs != null) {
          addLatency(elapsedMs);
        }
      }
      case CONNECT_FAILURE -> connectFailures++;
      case BAN -> bans++;
      case UPSTREAM_ERROR -> upstreamErrors++;
    }
    bytes += requestBytes;
    if (exitSeen) {
      exitObserved++;
      if (exitMismatch) {
        exitMismatches++;
      }
    }
    firstSeenMicros = Math.min(firstSeenMicros, tsMicros);
    lastSeenMicros = Math.max(lastSeenMicros, tsMicros);
    if (targetHost != null) {
      if (targets == null) {
        targets = new HllSketch(TARGETS_LG_K, TgtHllType.HLL_8);
      }
      targets.update(targetHost);
    }
  }

  private void addLatency(long ms) {
    if (buffered == buffer.length) {
      if (buffered == BUFFERED_LATENCIES) {
        fold();
      } else {
        buffer = Arrays.copyOf(buffer, Math.min(BUFFERED_LATENCIES, Math.max(4, buffered * 2)));
      }
    }
    buffer[buffered++] = ms;
  }

  /** Folds the buffer into the counts per value. */
  private void fold() {
    if (buffered == 0) {
      return;
    }
    long[] sorted = Arrays.copyOf(buffer, buffered);
    Arrays.sort(sorted);
    long[] ones = new long[sorted.length];
    Arrays.fill(ones, 1);
    buffered = 0;
    mergeCounts(sorted, ones, sorted.length);
  }

  /** Adds counts per value, {@code otherValues} ascending (repeats allowed): a merge of two runs. */
  private void mergeCounts(long[] otherValues, long[] otherCounts, int others) {
    if (others == 0) {
      return;
    }
    long[] v = new long[distinct + others];
    long[] c = new long[distinct + others];
    int n = 0;
    int a = 0;
    int b = 0;
    while (a < distinct || b < others) {
      long value = b == others || a < distinct && values[a] <= otherValues[b] ? values[a]
          : otherValues[b];
      long count = 0;
      while (a < distinct && values[a] == value) {
        count += counts[a++];
      }
      while (b < others && otherValues[b] == value) {
        count += otherCounts[b++];
      }
      v[n] = value;
      c[n++] = count;
    }
    values = Arrays.copyOf(v, n);
    counts = Arrays.copyOf(c, n);
    distinct = n;
  }

  /** Adds another task's evidence for the same endpoint. */
  public void merge(EndpointEvidence o) {
    attempts += o.attempts;
    successes += o.successes;
    connectFailures += o.connectFailures;
    bans += o.bans;
    upstreamErrors += o.upstreamErrors;
    bytes += o.bytes;
    exitObserved += o.exitObserved;
    exitMismatches += o.exitMismatches;
    firstSeenMicros = Math.min(firstSeenMicros, o.firstSeenMicros);
    lastSeenMicros = Math.max(lastSeenMicros, o.lastSeenMicros);
    for (int i = 0; i < o.buffered; i++) {
      addLatency(o.buffer[i]);
    }
    mergeCounts(o.values, o.counts, o.distinct);
    if (o.targets != null) {
      if (targets == null) {
        targets = new HllSketch(TARGETS_LG_K, TgtHllType.HLL_8);
      }
      Union union = new Union(TARGETS_LG_K);
      union.update(targets);
      union.update(o.targets);
      targets = union.getResult(TgtHllType.HLL_8);
    }
  }

  /**
   * The success latency at each fraction {@code p} (0 < p <= 1): the smallest value whose rank
   * reaches {@code ceil(p * n)}; null when no success had a latency.
   */
  public double[] latencyQuantiles(double... p) {
    fold();
    long total = Arrays.stream(counts, 0, distinct).sum();
    if (total == 0) {
      return null;
    }
    double[] out = new double[p.length];
    for (int q = 0; q < p.length; q++) {
      long rank = Math.max(1, (long) Math.ceil(p[q] * total));
      long seen = 0;
      int i = 0;
      while (i < distinct - 1) {
        seen += counts[i];
        if (seen >= rank) {
          break;
        }
        i++;
      }
      out[q] = values[i];
    }
    return out;
  }

  public long distinctTargets() {
    return targets == null ? 0 : Math.round(targets.getEstimate());
  }

  public long attempts() {
    return attempts;
  }

  public long successes() {
    return successes;
  }

  public long connectFailures() {
    return connectFailures;
  }

  public long bans() {
    return bans;
  }

  public long upstreamErrors() {
    return upstreamErrors;
  }

  public long bytes() {
    return bytes;
  }

  public long exitObserved() {
    return exitObserved;
  }

  public long exitMismatches() {
    return exitMismatches;
  }

  public long firstSeenMicros() {
    return firstSeenMicros;
  }

  public long lastSeenMicros() {
    return lastSeenMicros;
  }

  /** The evidence as bytes, to travel between tasks. */
  public byte[] toBytes() {
    fold();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + 16 * distinct);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeByte(FORMAT);
    for (long v : new long[] {attempts, successes, connectFailures, bans, upstreamErrors, bytes,
        exitObserved, exitMismatches, firstSeenMicros, lastSeenMicros}) {
      out.writeLong(v);
    }
    fold();
    out.writeInt(distinct);
    for (int i = 0; i < distinct; i++) {
      out.writeLong(values[i]);
      out.writeLong(counts[i]);
    }
    byte[] t = targets == null ? new byte[0] : targets.toCompactByteArray();
    out.writeInt(t.length);
    out.write(t);
  }

  public static EndpointEvidence fromBytes(byte[] bytes) {
    try {
      return read(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static EndpointEvidence read(DataInputStream in) throws IOException {
    int format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("Cannot read endpoint evidence: format " + format + ", expected "
          + FORMAT);
    }
    EndpointEvidence e = new EndpointEvidence();
    e.attempts = in.readLong();
    e.successes = in.readLong();
    e.connectFailures = in.readLong();
    e.bans = in.readLong();
    e.upstreamErrors = in.readLong();
    e.bytes = in.readLong();
    e.exitObserved = in.readLong();
    e.exitMismatches = in.readLong();
    e.firstSeenMicros = in.readLong();
    e.lastSeenMicros = in.readLong();
    int distinct = in.readInt();
    e.values = new long[distinct];
    e.counts = new long[distinct];
    for (int i = 0; i < distinct; i++) {
      e.values[i] = in.readLong();
      e.counts[i] = in.readLong();
    }
    e.distinct = distinct;
    int t = in.readInt();
    if (t > 0) {
      e.targets = HllSketch.heapify(in.readNBytes(t));
    }
    return e;
  }
}
