package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ippipe.common.publish.PoolEntry;
import io.ippipe.jobs.publish.RedisPoolStore;
import io.ippipe.jobs.run.Faults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

  /** A version of 2 500 members (three pipeline batches) in three groups, distinct per version. */
  private static List<PoolEntry> version(int v, Map<String, Set<String>> expected) {
    List<PoolEntry> entries = new ArrayList<>();
    Set<String> members = new TreeSet<>();
    for (int i = 0; i < 2500; i++) {
      String member = "http://10." + v + "." + (i / 250) + "." + (i % 250) + ":8080";
      members.add(member);
      entries.add(new PoolEntry(member, "G" + (i % 3), i % 100, Map.of("port", 8080)));
    }
    expected.put("v" + v, members);
    return entries;
  }

  @ParameterizedTest
  @ValueSource(strings = {"publish.redis.batch-written", "publish.redis.written",
      "publish.redis.checked", "publish.redis.flipped"})
  void aPublishKilledAtAnyStepShowsReadersOnlyWholeVersionsAndTheNextRecovers(String step)
      throws Exception {
    String prefix = "killed-" + step;
    Map<String, Set<String>> expected = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger snapshots = new AtomicInteger();
    Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try (RedisPoolStore gateway = RedisPoolStore.connect(redis.url(), prefix, 2)) {
        while (!done.get()) {
          RedisPoolStore.Snapshot s = gateway.readLive();
          if (s.version() == null) {
            continue;
          }
          Set<String> seen = new TreeSet<>();
          s.groups().values().forEach(g -> seen.addAll(g.keySet()));
          if (!seen.equals(expected.get(s.version()))) {
            failure.compareAndSet(null, step + ": version " + s.version() + " seen with "
                + seen.size() + " members");
          }
          versionsSeen.add(s.version());
          snapshots.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, step + ": " + e);
      }
    });
    try (RedisPoolStore publisher = RedisPoolStore.connect(redis.url(), prefix, 2)) {
      assertTrue(publisher.publish("v0", "2026-11-24", version(0, expected).iterator()));
      reader.start();
      while (snapshots.get() < 3) {
        Thread.onSpinWait();
      }
      Faults.at(step, v -> {
        throw new IllegalStateException("killed at " + step);
      });
      List<PoolEntry> v1 = version(1, expected);
      IllegalStateException killed = assertThrows(IllegalStateException.class,
          () -> publisher.publish("v1", "2026-11-25", v1.iterator()));
      assertEquals("killed at " + step, killed.getMessage());
      boolean flipped = step.equals("publish.redis.flipped");
      assertEquals(flipped ? "v1" : "v0", publisher.currentVersion(),
          "the live pointer moves with the flip and only with it");
      int before = snapshots.get();
      while (snapshots.get() < before + 3) {
        Thread.onSpinWait();
      }
      Faults.clear();
      // The next night: the same version again (a rerun), then the one after.
      assertEquals(!flipped, publisher.publish("v1", "2026-11-25", v1.iterator()),
          "a rerun publishes the killed version, or finds it already live");
      assertTrue(publisher.publish("v2", "2026-11-26", version(2, expected).iterator()));
      assertEquals("v2", publisher.currentVersion());
      before = snapshots.get();
      while (snapshots.get() < before + 3) {
        Thread.onSpinWait();
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertNull(failure.get());
    assertTrue(versionsSeen.contains("v2"), "the reader saw the recovered pool: " + versionsSeen);
    // Nothing of the killed attempt is left behind: the live version and one older one remain.
    Set<String> versions = redis.versions(prefix);
    assertEquals(Set.of("v1", "v2"), versions);
  }
}
