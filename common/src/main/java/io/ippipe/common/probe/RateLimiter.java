package io.ippipe.common.probe;

/**
 * Spaces check starts evenly at a fixed rate. Hand-written because the whole need is one
 * next-slot timestamp; Spark's shaded Guava is not ours to depend on.
 */
final class RateLimiter {
  private final long intervalNanos;
  private long nextSlot;

  /** @param perSecond starts per second; 0 or less means unlimited */
  RateLimiter(double perSecond) {
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
    this.nextSlot = System.nanoTime();
  }

  /** Blocks until the next start is due. Called from the one feeding thread. */
  void acquire() throws InterruptedException {
    if (intervalNanos == 0) {
      return;
    }
    long now = System.nanoTime();
    long wait = nextSlot - now;
    nextSlot = Math.max(nextSlot, now) + intervalNanos;
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
