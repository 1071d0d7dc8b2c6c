package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The tally as an executor's heartbeat thread sees it: Spark reads the accumulators of running
 * tasks from that thread ({@code isZero}, then on a cluster serialises them), and one exception
 * there stops the executor's heartbeats for good, so that after the network timeout the driver
 * drops the executor and its tasks (seen once here, in a local[1] run of 10 M lines).
 */
class IngestTallyTest {
  /**
   * AccumulatorV2's readObject registers the accumulator with the task before Java
   * deserialisation has read this class's fields: a heartbeat then finds no counts yet.
   */
  @Test
  void aHeartbeatDuringTheTallysDeserialisationFindsItZero() throws Exception {
    IngestTally halfRead = new IngestTally();
    Field counts = IngestTally.class.getDeclaredField("counts");
    counts.setAccessible(true);
    counts.set(halfRead, null);
    assertTrue(halfRead.isZero());
    assertTrue(halfRead.value().isEmpty());
    assertTrue(((IngestTally) halfRead.copy()).isZero());
  }

  /**
   * A task adds its counts once, at its end, while the heartbeat may be serialising the tally:
   * what was read before the add is left as it was, and the add is seen whole.
   */
  @Test
  void anAddLeavesTheCountsReadBeforeItAlone() throws Exception {
    IngestTally tally = new IngestTally();
    IngestTally.Counts before = tally.value();
    tally.add(oneSplit("a.log", 3));
    assertTrue(before.isEmpty(), "the counts a heartbeat read changed under it");
    assertEquals(3, tally.value().file("a.log").records);

    IngestTally merged = new IngestTally();
    merged.merge(tally);
    merged.merge(tally);
    assertEquals(6, merged.value().file("a.log").records);
  }

  /**
   * The way Spark moves it: registered on the driver, sent empty with a task (copyAndReset,
   * which must be zero), counted there, and sent back whole with the task's result (or a
   * heartbeat).
   */
  @Test
  void theTallyTravelsAsSparkSendsIt() throws Exception {
    IngestTally driver = new IngestTally();
    io.ippipe.jobs.SharedSpark.get().sparkContext().register(driver, "ingest-tally-test");
    IngestTally.Counts before = new IngestTally.Counts();
    before.file("old.log").records = 9;
    driver.add(before);
    IngestTally executor = roundTrip(driver);
    executor.add(oneSplit("a.log", 3));
    IngestTally back = roundTrip(executor);
    assertEquals(3, back.value().file("a.log").records);
    assertEquals(3L, back.value().splitLines.get("a.log").get(0L));
    driver.merge(back);
    assertEquals(Set.of("a.log", "old.log"), driver.value().files.keySet());
  }

  /** What a task that read {@code records} lines of one split, the file's first, adds. */
  private static IngestTally.Counts oneSplit(String file, long records) {
    IngestTally.Counts task = new IngestTally.Counts();
    task.file(file).records = records;
    task.splitLines.computeIfAbsent(file, f -> new TreeMap<>()).put(0L, records);
    return task;
  }

  private static IngestTally roundTrip(IngestTally tally) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tally);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      return (IngestTally) in.readObject();
    }
  }
}
