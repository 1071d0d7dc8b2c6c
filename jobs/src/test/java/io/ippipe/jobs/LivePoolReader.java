package io.ippipe.jobs;

import io.ippipe.common.publish.PoolEntry;
import io.ippipe.jobs.publish.RedisPoolStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gateway polling the live pool from its own connection, as docs/publish.md's protocol reads
 * it, while a test publishes: every snapshot must be a whole version the test published.
 */
final class LivePoolReader implements AutoCloseable {
  private final Map<String, Set<String>> expected = new ConcurrentHashMap<>();
  private final Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicInteger snapshots = new AtomicInteger();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final Thread thread;

  LivePoolReader(String url, String prefix) {
    thread = new Thread(() -> {
      try (RedisPoolStore gateway = RedisPoolStore.connect(url, prefix, 2)) {
        while (!done.get()) {
          RedisPoolStore.Snapshot s = gateway.readLive();
          if (s.version() == null) {
            continue;
          }
          Set<String> seen = new TreeSet<>();
          s.groups().values().forEach(g -> seen.addAll(g.keySet()));
          Set<String> want = expected.get(s.version());
          if (!seen.equals(want)) {
            failure.compareAndSet(null, "version " + s.version() + ": saw " + seen.size()
                + " members, expected " + (want == null ? "unknown version" : want.size()));
          }
          versionsSeen.add(s.version());
          snapshots.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e.toString());
      }
    });
  }

  /**
   * Version {@code v} of {@code size} members in three groups, distinct per version and
   * overlapping none; the reader expects exactly these members when it sees the version live.
   */
  List<PoolEntry> version(int v, int size) {
    List<PoolEntry> entries = new ArrayList<>();
    Set<String> members = new TreeSet<>();
    for (int i = 0; i < size; i++) {
      String member = "http://10." + v + "." + (i / 250) + "." + (i % 250) + ":8080";
      members.add(member);
      entries.add(new PoolEntry(member, "G" + (i % 3), i % 100, Map.of("port", 8080)));
    }
    expected.put("v" + v, members);
    return entries;
  }

  void start() {
    thread.start();
  }

  /** Waits until the reader has taken {@code more} snapshots after this call. */
  void awaitSnapshots(int more) {
    int target = snapshots.get() + more;
    while (snapshots.get() < target && thread.isAlive()) {
      Thread.onSpinWait();
    }
  }

  int snapshots() {
    return snapshots.get();
  }

  Set<String> versionsSeen() {
    return versionsSeen;
  }

  /** The first snapshot that was not a whole published version, or null. */
  String failure() {
    return failure.get();
  }

  @Override
  public void close() throws InterruptedException {
    done.set(true);
    thread.join();
  }
}
