package io.ippipe.jobs.run;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * One progress line every few seconds while a stage runs: the stage, the rows its tasks have read
 * and the elapsed time. Rows come from finished tasks' input metrics, so they advance in steps.
 */
final class Progress extends SparkListener implements AutoCloseable {
  private final AtomicLong rows = new AtomicLong();
  private final PrintStream out;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ippipe-progress");
    t.setDaemon(true);
    return t;
  });
  private volatile String stage = "";
  private volatile long stageStart = System.nanoTime();

  Progress(PrintStream out, int everySeconds) {
    this.out = out;
    ticker.scheduleAtFixedRate(this::print, everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  void stage(String name) {
    stage = name;
    rows.set(0);
    stageStart = System.nanoTime();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    if (e.taskMetrics() != null) {
      rows.addAndGet(e.taskMetrics().inputMetrics().recordsRead());
    }
  }

  private void print() {
    if (stage.isEmpty()) {
      return;
    }
    long s = (System.nanoTime() - stageStart) / 1_000_000_000L;
    out.printf("  ... %s: %,d rows read, %d:%02d elapsed%n", stage, rows.get(), s / 60, s % 60);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
