package io.ippipe.common.probe;

/**
 * Spaces check starts evenly at a fixed rate. Hand-written because the whole need is one
 * next-slot timestamp; Spark's shaded Guava is not ours to depend on.
 */
final class RateLimiter {
  /** Where the limiter reads the time and how it waits: the system's, or a test's own. */
  interface Clock {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleepNanos(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      }
    };
  }

  private final Clock clock;
  private final long intervalNanos;
  private long nextSlot;

  /** @param perSecond starts per second; 0 or less means unlimited */
  RateLimiter(double perSecond) {
    this(perSecond, Clock.SYSTEM);
  }

  RateLimiter(double perSecond, Clock clock) {
    this.clock = clock;
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
    this.nextSlot = clock.nanoTime();
  }

  /** Blocks until the next start is due. Called from the one feeding thread. */
  void acquire() throws InterruptedException {
    if (intervalNanos == 0) {
      return;
    }
    long now = clock.nanoTime();
    long wait = nextSlot - now;
    nextSlot = Math.max(nextSlot, now) + intervalNanos;
    if (wait > 0) {
      clock.sleepNanos(wait);
    }
  }
}
