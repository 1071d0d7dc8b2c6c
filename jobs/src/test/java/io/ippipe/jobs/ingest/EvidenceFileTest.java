package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ippipe.common.score.EndpointEvidence;
import io.ippipe.common.score.RequestOutcome;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * The merge's running evidence of an endpoint, as Spark's serializer writes it when the merge
 * spills: it reads back to the very evidence it held.
 */
class EvidenceFileTest {
  @Test
  void mergedEvidenceSurvivesSparksSerializer() {
    EndpointEvidence a = evidence(0, 40);
    EndpointEvidence b = evidence(40, 90);
    EndpointEvidence reference = EndpointEvidence.fromBytes(a.toBytes());
    reference.merge(b);

    EvidenceFile.Merged merged = new EvidenceFile.Merged(a.toBytes()).add(b.toBytes());
    SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
    EvidenceFile.Merged back = java.deserialize(java.serialize(merged,
        ClassTag$.MODULE$.apply(EvidenceFile.Merged.class)),
        ClassTag$.MODULE$.apply(EvidenceFile.Merged.class));

    assertArrayEquals(reference.toBytes(), back.evidence().toBytes());
    assertEquals(90, back.evidence().attempts());
    assertEquals(4, back.evidence().distinctTargets());
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
