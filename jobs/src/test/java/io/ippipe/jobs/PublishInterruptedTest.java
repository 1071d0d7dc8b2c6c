package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.publish.PoolEntry;
import io.ippipe.jobs.publish.RedisPoolStore;
import io.ippipe.jobs.run.Faults;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A publish to the real redis-server killed at each of its steps, while a gateway-like reader
 * polls the live pool from its own connection: the reader only ever sees whole versions, the
 * live pointer moves only with the flip, and the next publish recovers (docs/publish.md).
 */
class PublishInterruptedTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @AfterEach
  void clearFaults() {
    Faults.clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"publish.redis.batch-written", "publish.redis.written",
      "publish.redis.checked", "publish.redis.flipped"})
  void aPublishKilledAtAnyStepShowsReadersOnlyWholeVersionsAndTheNextRecovers(String step)
      throws Exception {
    String prefix = "killed-" + step;
    LivePoolReader reader = new LivePoolReader(redis.url(), prefix);
    // Versions of 2 500 members: three pipeline batches each.
    try (reader; RedisPoolStore publisher = RedisPoolStore.connect(redis.url(), prefix, 2)) {
      assertTrue(publisher.publish("v0", "2026-11-24", reader.version(0, 2500).iterator()));
      reader.start();
      reader.awaitSnapshots(3);
      Faults.at(step, v -> {
        throw new IllegalStateException("killed at " + step);
      });
      List<PoolEntry> v1 = reader.version(1, 2500);
      IllegalStateException killed = assertThrows(IllegalStateException.class,
          () -> publisher.publish("v1", "2026-11-25", v1.iterator()));
      assertEquals("killed at " + step, killed.getMessage());
      boolean flipped = step.equals("publish.redis.flipped");
      assertEquals(flipped ? "v1" : "v0", publisher.currentVersion(),
          "the live pointer moves with the flip and only with it");
      reader.awaitSnapshots(3);
      Faults.clear();
      // The next night: the same version again (a rerun), then the one after.
      assertEquals(!flipped, publisher.publish("v1", "2026-11-25", v1.iterator()),
          "a rerun publishes the killed version, or finds it already live");
      assertTrue(publisher.publish("v2", "2026-11-26", reader.version(2, 2500).iterator()));
      assertEquals("v2", publisher.currentVersion());
      reader.awaitSnapshots(3);
    }
    assertNull(reader.failure(), step);
    assertTrue(reader.versionsSeen().contains("v2"),
        "the reader saw the recovered pool: " + reader.versionsSeen());
    // Nothing of the killed attempt is left behind: the live version and one older one remain.
    Set<String> versions = redis.versions(prefix);
    assertEquals(Set.of("v1", "v2"), versions);
  }
}
