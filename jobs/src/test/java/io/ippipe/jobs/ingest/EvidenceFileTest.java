package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ippipe.common.score.EndpointEvidence;
import io.ippipe.common.score.RequestOutcome;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The merge's running evidence of an endpoint: what a spill writes with either of Spark's
 * serializers reads back to the very evidence it held, and running evidences combine (as they
 * do after a spill) to the same evidence in either order.
 */
class EvidenceFileTest {
  private static final ClassTag<EvidenceFile.Merged> MERGED =
      ClassTag$.MODULE$.apply(EvidenceFile.Merged.class);

  @Test
  void mergedEvidenceSurvivesSparksSerializers() {
    EndpointEvidence a = evidence(0, 40);
    EndpointEvidence b = evidence(40, 90);
    EndpointEvidence reference = EndpointEvidence.fromBytes(a.toBytes());
    reference.merge(b);

    for (SerializerInstance serializer : List.of(
        new JavaSerializer(new SparkConf()).newInstance(),
        new KryoSerializer(new SparkConf()).newInstance())) {
      EvidenceFile.Merged merged = new EvidenceFile.Merged(a.toBytes()).add(b.toBytes());
      EvidenceFile.Merged back = serializer.deserialize(serializer.serialize(merged, MERGED),
          MERGED);
      String name = serializer.getClass().getSimpleName();
      assertArrayEquals(reference.toBytes(), back.evidence().toBytes(), name);
      assertEquals(90, back.evidence().attempts(), name);
      assertEquals(4, back.evidence().distinctTargets(), name);
    }
  }

  @Test
  void runningEvidencesCombineInEitherOrder() {
    byte[] a = evidence(0, 40).toBytes();
    byte[] b = evidence(40, 90).toBytes();
    byte[] c = evidence(90, 100).toBytes();
    EvidenceFile.Merged abc = new EvidenceFile.Merged(a).add(b).merge(new EvidenceFile.Merged(c));
    EvidenceFile.Merged cba = new EvidenceFile.Merged(c).merge(new EvidenceFile.Merged(b).add(a));
    // The answers, not the bytes: a sketch lists its few targets in the order it met them.
    assertEquals(answers(abc.evidence()), answers(cba.evidence()));
    assertEquals(100, abc.evidence().attempts());
  }

  /** What the evidence table keeps of an endpoint's evidence. */
  private static List<Object> answers(EndpointEvidence e) {
    return List.of(e.attempts(), e.successes(), e.connectFailures(), e.bans(),
        e.upstreamErrors(), e.bytes(), e.exitObserved(), e.exitMismatches(),
        java.util.Arrays.toString(e.latencyQuantiles(0.5, 0.9, 0.99)), e.distinctTargets(),
        e.firstSeenMicros(), e.lastSeenMicros());
  }

  /** Requests {@code from} to {@code to}: every fifth banned, latencies and targets varied. */
  private static EndpointEvidence evidence(int from, int to) {
    EndpointEvidence e = new EndpointEvidence();
    for (int i = from; i < to; i++) {
      e.add(i % 5 == 0 ? RequestOutcome.BAN : RequestOutcome.SUCCESS, (long) (i * 7 % 300),
          100 + i, 1_764_028_800_000_000L + i, i % 3 == 0, i % 9 == 0, "host" + (i % 4));
    }
    return e;
  }
}
