package io.ippipe.bench.spark;

import static org.apache.spark.sql.functions.col;

import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.score.Blocklists;
import io.ippipe.jobs.io.Sessions;
import io.ippipe.jobs.score.ScoreJob;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * scripts/bench.sh score: runs the score job on a geo-tagged day and reports, per stage, the
 * task count and the max/median task run time, then the same for a baseline that shuffles every
 * request to its proxy's task (no map-side combine: the Zipf-hottest proxy's task straggles).
 *   ScoreSkew LAKE DATE
 */
public final class ScoreSkew {
  private ScoreSkew() {}

  /** Task run times (ms) per stage, and stage names, from Spark's listener bus. */
  static final class StageTimes extends SparkListener {
    final Map<Integer, List<Long>> runTimes = new ConcurrentHashMap<>();
    final Map<Integer, String> names = new ConcurrentHashMap<>();
    /** Stages whose tasks read shuffle output: the aggregations, where key skew would show. */
    final Set<Integer> shuffleReading = ConcurrentHashMap.newKeySet();

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
      names.put(e.stageInfo().stageId(), e.stageInfo().name());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (e.taskMetrics() != null) {
        runTimes.computeIfAbsent(e.stageId(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(e.taskMetrics().executorRunTime());
        if (e.taskMetrics().shuffleReadMetrics().recordsRead() > 0) {
          shuffleReading.add(e.stageId());
        }
      }
    }

    void reset() {
      runTimes.clear();
      names.clear();
      shuffleReading.clear();
    }

    /**
     * Prints stages with at least {@code minTasks} tasks; returns the worst max/median among the
     * shuffle-reading stages (scan stages mirror the input files' row groups, not key skew).
     */
    double report(String what, int minTasks) {
      System.out.println("== " + what);
      double worst = 0;
      for (Map.Entry<Integer, List<Long>> s : new TreeMap<>(runTimes).entrySet()) {
        List<Long> t = new ArrayList<>(s.getValue());
        // A stage of a few milliseconds per task is all scheduling noise: its ratio means nothing.
        if (t.size() < minTasks || t.get(t.size() / 2) < 20) {
          continue;
        }
        Collections.sort(t);
        long median = t.get(t.size() / 2);
        long max = t.get(t.size() - 1);
        double ratio = max / (double) Math.max(1, median);
        boolean reduce = shuffleReading.contains(s.getKey());
        if (reduce) {
          worst = Math.max(worst, ratio);
        }
        System.out.printf("  stage %3d %-6s %-45s %4d tasks  median %6d ms  max %6d ms  max/median %5.1f%n",
            s.getKey(), reduce ? "reduce" : "scan", names.getOrDefault(s.getKey(), "?").replaceAll("\\s+", " ")
                .substring(0, Math.min(45, names.getOrDefault(s.getKey(), "?").length())),
            t.size(), median, max, ratio);
      }
      return worst;
    }
  }

  public static void main(String[] args) throws Exception {
    String lake = args[0];
    LocalDate date = LocalDate.parse(args[1]);
    SparkSession spark = Sessions.getOrCreate("ippipe-bench-score", null);
    StageTimes times = new StageTimes();
    spark.sparkContext().addSparkListener(times);
    io.ippipe.jobs.lake.Lake catalog = new io.ippipe.jobs.lake.Lake(lake,
        spark.sparkContext().hadoopConfiguration());
    Dataset<Row> requests = catalog.read(spark, io.ippipe.jobs.lake.Tables.REQUESTS, date);
    Row hottest = requests.filter(col("proxy_ip").isNotNull()).groupBy("proxy_ip").count()
        .orderBy(col("count").desc()).first();
    long total = requests.count();
    System.out.printf("requests %,d; the hottest proxy %s carries %,d (%.1f%%)%n", total,
        hottest.getString(0), hottest.getLong(1), 100.0 * hottest.getLong(1) / total);

    times.reset();
    long start = System.nanoTime();
    io.ippipe.jobs.lake.StageOutput scratch = catalog.stage(date, "score-bench").clear();
    ScoreJob.run(spark, PipelineConfig.defaults(), Blocklists.none(), date, catalog, scratch);
    scratch.discard();
    double scoreSeconds = (System.nanoTime() - start) / 1e9;
    spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    double ours = times.report(String.format("score job (%.1f s wall)", scoreSeconds), 2);

    times.reset();
    start = System.nanoTime();
    // Every request shuffled to its proxy's task, aggregated there: what a job that groups raw
    // rows per key (groupByKey, a UDAF without partial merge) does.
    int partitions = spark.sessionState().conf().numShufflePartitions();
    requests.filter(col("proxy_ip").isNotNull()).repartition(partitions, col("proxy_ip"))
        .groupBy("proxy_ip", "proxy_port")
        .agg(functions.percentile_approx(col("elapsed_ms"), functions.lit(0.9), functions.lit(10000)),
            functions.count(functions.lit(1)))
        .write().format("noop").mode("overwrite").save();
    double baselineSeconds = (System.nanoTime() - start) / 1e9;
    spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    double baseline = times.report(String.format(
        "baseline: every request shuffled to its proxy's task (%.1f s wall)", baselineSeconds), 2);
    System.out.printf("worst max/median task time of the reduce stages: score %.1f, baseline %.1f%n",
        ours, baseline);
    spark.stop();
  }
}
