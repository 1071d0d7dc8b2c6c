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
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllDoublesSketchIterator;
import org.apache.datasketches.memory.Memory;

/**
 * A day's request evidence for one proxy endpoint, gathered by the task that parsed the
 * requests and merged across tasks, so that no stage reads the requests again to score: counts
 * by {@link RequestOutcome}, bytes, exit observations, first and last request, the latencies of
 * the successful requests and the number of distinct targets.
 *
 * <p>Latency quantiles are exact (the value at rank {@code ceil(p * n)}, as Spark's
 * percentile_approx gives on small groups) up to {@link #EXACT_LATENCIES} successes, then come
 * from a KLL sketch of {@link #LATENCY_K} (Apache DataSketches), whose normalized rank error is
 * {@link #latencyRankError()}: a popular endpoint's p99 is the value at rank 98.5 to 99.5, in
 * bounded memory. Distinct targets come from an HLL sketch, exact on small sets.
 *
 * <p>Not thread-safe: one task fills one instance.
 */
public final class EndpointEvidence {
  /** Successes kept as values before the sketch takes over: exact for ordinary endpoints. */
  public static final int EXACT_LATENCIES = 512;
  /** KLL's k: ~0.5% normalized rank error, a few KB per popular endpoint. */
  public static final int LATENCY_K = 400;
  /** HLL's log2 of registers: ~1.6% relative error, exact up to a few hundred targets. */
  public static final int TARGETS_LG_K = 12;
  private static final int FORMAT = 1;

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
  /** Success latencies while exact; null once {@link #sketch} holds them. */
  private double[] latencies = new double[0];
  private int latencyCount;
  private KllDoublesSketch sketch;
  private HllSketch targets;

  /** One request carried by this endpoint. */
  public void add(RequestOutcome outcome, Long elapsedMs, long requestBytes, long tsMicros,
      boolean exitSeen, boolean exitMismatch, String targetHost) {
    attempts++;
    switch (outcome) {
      case SUCCESS -> {
        successes++;
        if (elapsedMs != null) {
          addLatency(elapsedMs.doubleValue());
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

  private void addLatency(double ms) {
    if (sketch != null) {
      sketch.update(ms);
      return;
    }
    if (latencyCount == EXACT_LATENCIES) {
      toSketch();
      sketch.update(ms);
      return;
    }
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, Math.max(4, latencyCount * 2));
    }
    latencies[latencyCount++] = ms;
  }

  private void toSketch() {
    sketch = KllDoublesSketch.newHeapInstance(LATENCY_K);
    for (int i = 0; i < latencyCount; i++) {
      sketch.update(latencies[i]);
    }
    latencies = null;
    latencyCount = 0;
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
    if (o.sketch != null) {
      if (sketch == null) {
        toSketch();
      }
      sketch.merge(o.sketch);
    } else {
      for (int i = 0; i < o.latencyCount; i++) {
        addLatency(o.latencies[i]);
      }
    }
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
    double[] values;
    long[] weights;
    if (sketch == null) {
      if (latencyCount == 0) {
        return null;
      }
      values = Arrays.copyOf(latencies, latencyCount);
      Arrays.sort(values);
      weights = null;
    } else {
      int n = sketch.getNumRetained();
      double[][] pairs = new double[n][];
      KllDoublesSketchIterator it = sketch.iterator();
      int i = 0;
      while (it.next()) {
        pairs[i++] = new double[] {it.getValue(), it.getWeight()};
      }
      Arrays.sort(pairs, (a, b) -> Double.compare(a[0], b[0]));
      values = new double[n];
      weights = new long[n];
      for (i = 0; i < n; i++) {
        values[i] = pairs[i][0];
        weights[i] = (long) pairs[i][1];
      }
    }
    long total = weights == null ? values.length : Arrays.stream(weights).sum();
    double[] out = new double[p.length];
    for (int q = 0; q < p.length; q++) {
      long rank = Math.max(1, (long) Math.ceil(p[q] * total));
      long seen = 0;
      int i = 0;
      while (i < values.length - 1) {
        seen += weights == null ? 1 : weights[i];
        if (seen >= rank) {
          break;
        }
        i++;
      }
      out[q] = values[i];
    }
    return out;
  }

  /** The normalized rank error of latency quantiles once sketched. */
  public static double latencyRankError() {
    return KllDoublesSketch.getNormalizedRankError(LATENCY_K, false);
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
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + 8 * Math.max(0, latencyCount));
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeByte(FORMAT);
    for (long v : new long[] {attempts, successes, connectFailures, bans, upstreamErrors, bytes,
        exitObserved, exitMismatches, firstSeenMicros, lastSeenMicros}) {
      out.writeLong(v);
    }
    if (sketch == null) {
      out.writeInt(latencyCount);
      for (int i = 0; i < latencyCount; i++) {
        out.writeDouble(latencies[i]);
      }
    } else {
      byte[] b = sketch.toByteArray();
      out.writeInt(-b.length);
      out.write(b);
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
    int latencies = in.readInt();
    if (latencies >= 0) {
      e.latencies = new double[latencies];
      for (int i = 0; i < latencies; i++) {
        e.latencies[i] = in.readDouble();
      }
      e.latencyCount = latencies;
    } else {
      byte[] b = in.readNBytes(-latencies);
      e.sketch = KllDoublesSketch.heapify(Memory.wrap(b));
      e.latencies = null;
    }
    int t = in.readInt();
    if (t > 0) {
      e.targets = HllSketch.heapify(in.readNBytes(t));
    }
    return e;
  }
}
