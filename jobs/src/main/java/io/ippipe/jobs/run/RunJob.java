package io.ippipe.jobs.run;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.QualityGateException;
import io.ippipe.common.score.Blocklists;
import io.ippipe.jobs.ingest.IngestJob;
import io.ippipe.jobs.io.InputFiles;
import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.probe.ProbeJob;
import io.ippipe.jobs.publish.PoolStore;
import io.ippipe.jobs.publish.PublishJob;
import io.ippipe.jobs.publish.RedisPoolStore;
import io.ippipe.jobs.publish.SnapshotPoolStore;
import io.ippipe.jobs.score.ScoreJob;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ippipe run}: one date through the configured {@link Stage}s. Each stage writes into its
 * staging ({@link StageOutput}), is committed into the lake and only then marked done
 * ({@link StageMarker}, recording what it consumed). A done stage is skipped unless forced,
 * selected by {@code --from}, or stale: its inputs, its config or an upstream stage changed since.
 * A failing stage leaves the committed outputs as they were, and no later stage (so no publish)
 * runs.
 */
public final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  /**
   * @param from redo this stage and every stage that reads what it writes
   * @param only run just this stage (what each Airflow task does)
   */
  public record Options(LocalDate date, String lake, List<String> inventory, List<String> requests,
      boolean force, Stage from, Stage only) {}

  /** Whether a stage runs, and why (or why not). */
  public record Decision(boolean run, String why) {}

  /**
   * Per stage: the decision, the done markers read to make it, and what each stage would
   * consume now (its config; ingest's input files).
   */
  public record Plan(Map<Stage, Decision> decisions, Map<Stage, StageMarker> markers,
      List<io.ippipe.jobs.io.InputFile> inputs, Map<Stage, Map<String, String>> config) {
    public boolean runs(Stage s) {
      return decisions.get(s).run();
    }
  }

  /**
   * One stage of a run as run.json records it. {@code startedAtMillis} (epoch milliseconds, null
   * when the stage did not run now) lets the bench place Spark's event log on the stage.
   */
  public record StageRun(String stage, String status, double seconds, String detail,
      Long startedAtMillis) {}

  public record Result(LocalDate date, List<StageRun> stages, String runMetrics, String report,
      List<String> top) {}

  /** What the stages that will run need, loaded and checked before any data is read. */
  public record Prepared(IngestJob.Prepared ingest, ProbeJob.Prepared probe,
      Blocklists blocklists, RedisPoolStore redis) {}

  private RunJob() {}

  public static Plan plan(Configuration conf, PipelineConfig config, Options o) throws Exception {
    Lake lake = new Lake(o.lake(), conf);
    List<Stage> configured = Stage.parseList(config.get(Keys.RUN_STAGES));
    if (o.only() != null && !configured.contains(o.only())) {
      throw new ConfigException("--stage " + o.only().id() + " is not in run.stages ("
          + config.get(Keys.RUN_STAGES) + ")");
    }
    List<io.ippipe.jobs.io.InputFile> inputs = null;
    if (!o.inventory().isEmpty() || !o.requests().isEmpty()) {
      inputs = new ArrayList<>();
      inputs.addAll(InputFiles.describe(conf, "inventory", o.inventory()));
      inputs.addAll(InputFiles.describe(conf, "requests", o.requests()));
    }
    Map<Stage, Decision> decisions = new EnumMap<>(Stage.class);
    Map<Stage, StageMarker> markers = new EnumMap<>(Stage.class);
    Map<Stage, Map<String, String>> stageConfig = new EnumMap<>(Stage.class);
    for (Stage s : Stage.values()) {
      stageConfig.put(s, config.effective(s::reads));
      StageMarker marker = configured.contains(s) ? StageMarker.read(lake, o.date(), s) : null;
      if (marker != null) {
        markers.put(s, marker);
      }
      Decision d;
      if (!configured.contains(s)) {
        d = new Decision(false, "not in run.stages");
      } else if (o.only() != null && s != o.only()) {
        d = new Decision(false, "not selected (--stage " + o.only().id() + ")");
      } else if (o.force()) {
        d = new Decision(true, "--force");
      } else if (o.from() != null && o.from().withDownstream().contains(s)) {
        d = new Decision(true, "--from " + o.from().id());
      } else if (marker == null) {
        d = new Decision(true, "not done yet");
      } else {
        String upstreamRuns = s.upstream().stream().filter(u -> decisions.get(u).run())
            .map(Stage::id).collect(Collectors.joining(", "));
        String stale = marker.staleness(s == Stage.INGEST ? inputs : null, stageConfig.get(s),
            upstreamRunIds(s, markers));
        if (!upstreamRuns.isEmpty()) {
          d = new Decision(true, "upstream " + upstreamRuns + " runs");
        } else if (stale != null) {
          d = new Decision(true, stale);
        } else {
          d = new Decision(false, "done at " + Instant.ofEpochMilli(marker.finishedAtMillis()));
        }
      }
      decisions.put(s, d);
    }
    return new Plan(decisions, markers, inputs, stageConfig);
  }

  /** The run id of each upstream stage's current marker (absent ones are left out). */
  private static Map<String, String> upstreamRunIds(Stage s, Map<Stage, StageMarker> markers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Stage u : s.upstream()) {
      StageMarker m = markers.get(u);
      if (m != null) {
        out.put(u.id(), m.runId());
      }
    }
    return out;
  }

  /** Loads geo, keys, blocklists and reaches Redis for the stages that will run: exit 2 here. */
  public static Prepared prepare(Configuration conf, PipelineConfig config, Options o, Plan plan) {
    return prepare(conf, config, o, plan, c -> ProbeJob.prepare(conf, c));
  }

  /** As above, with the probe stage prepared by {@code probing} (eval: simulated checks). */
  public static Prepared prepare(Configuration conf, PipelineConfig config, Options o, Plan plan,
      java.util.function.Function<PipelineConfig, ProbeJob.Prepared> probing) {
    IngestJob.Prepared ingest = null;
    if (plan.runs(Stage.INGEST)) {
      if (o.inventory().isEmpty() && o.requests().isEmpty()) {
        throw new ConfigException("Cannot run ingest for " + o.date() + ": give the day's "
            + "--inventory and/or --requests");
      }
      ingest = IngestJob.prepare(conf, config, new IngestJob.Options(o.date(), o.inventory(),
          o.requests()));
    }
    ProbeJob.Prepared probe = plan.runs(Stage.PROBE) ? probing.apply(config) : null;
    Blocklists blocklists = plan.runs(Stage.SCORE) ? ScoreJob.prepare(config) : null;
    RedisPoolStore redis = plan.runs(Stage.PUBLISH) ? RedisPoolStore.fromConfig(config) : null;
    return new Prepared(ingest, probe, blocklists, redis);
  }

  public static Result run(SparkSession spark, PipelineConfig config, Options o, Plan plan,
      Prepared prepared, PrintStream console) throws Exception {
    Lake lake = new Lake(o.lake(), spark.sparkContext().hadoopConfiguration());
    List<StageRun> runs = new ArrayList<>();
    Map<Stage, StageMarker> markers = new EnumMap<>(plan.markers());
    Map<Stage, Map<String, Object>> metrics = new EnumMap<>(Stage.class);
    List<String> top = List.of();
    try (Progress progress = new Progress(console, 10)) {
      spark.sparkContext().addSparkListener(progress);
      try {
        for (Stage s : Stage.values()) {
          Decision decision = plan.decisions().get(s);
          if (!decision.run()) {
            StageMarker m = markers.get(s);
            boolean done = decision.why().startsWith("done at");
            runs.add(new StageRun(s.id(), done ? "done earlier" : "skipped",
                m == null ? 0 : m.seconds(), done ? m.summary() : decision.why(), null));
            console.printf("== %-8s skipped (%s)%n", s.id(), decision.why());
            continue;
          }
          console.printf("== %-8s %s%n", s.id(), decision.why());
          progress.stage(s.id());
          long start = System.nanoTime();
          long startedAt = System.currentTimeMillis();
          StageOutput out = lake.stage(o.date(), s.id()).clear();
          // The marker goes first: a crash between the commit and a new marker must not leave
          // an old marker claiming the new outputs.
          StageMarker.delete(lake, o.date(), s);
          markers.remove(s);
          StageResult result;
          try {
            result = runStage(spark, config, o, prepared, s, lake, out);
          } catch (QualityGateException gate) {
            // ingest writes its outputs and metrics even when the gate trips: commit them, mark
            // nothing done, publish nothing.
            out.commit();
            runs.add(new StageRun(s.id(), "quality gate breached", seconds(start), gate.getMessage(),
                startedAt));
            throw gate;
          } catch (Exception e) {
            out.discard();
            runs.add(new StageRun(s.id(), "failed", seconds(start), e.getMessage(), startedAt));
            throw e;
          }
          try {
            Faults.hit("run." + s.id() + ".before-commit", out.dir());
          } catch (RuntimeException e) {
            out.discard();
            runs.add(new StageRun(s.id(), "failed", seconds(start), e.getMessage(), startedAt));
            throw e;
          }
          out.commit();
          double seconds = seconds(start);
          StageMarker marker = new StageMarker(s.id(), o.date().toString(),
              UUID.randomUUID().toString(), System.currentTimeMillis(), seconds,
              s == Stage.INGEST ? plan.inputs() : null, plan.config().get(s),
              upstreamRunIds(s, markers), result.summary());
          marker.write(lake);
          markers.put(s, marker);
          metrics.put(s, result.metrics());
          if (result.top() != null) {
            top = result.top();
          }
          runs.add(new StageRun(s.id(), "ran", seconds, result.summary(), startedAt));
          console.printf("   %-8s %s (%.1f s)%n", s.id(), result.summary(), seconds);
          LOG.info("run {} stage {} committed in {} s", o.date(), s.id(), seconds);
        }
      } finally {
        progress.stage("");
        spark.sparkContext().removeSparkListener(progress);
      }
    } finally {
      if (prepared.redis() != null) {
        prepared.redis().close();
      }
    }
    RunMetrics doc = RunMetrics.of(lake, o.date(), runs, config.digest(), metrics);
    String runFile = doc.write(lake);
    String report = RunReport.write(lake, o.date(), doc);
    return new Result(o.date(), runs, runFile, report, top.isEmpty() ? doc.topOfPool() : top);
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
  }

  /** What a stage returns: its one-line summary and its metrics document. */
  record StageResult(String summary, Map<String, Object> metrics, List<String> top) {}

  private static StageResult runStage(SparkSession spark, PipelineConfig config, Options o,
      Prepared p, Stage s, Lake lake, StageOutput out) throws Exception {
    switch (s) {
      case INGEST: {
        IngestJob.Result r = IngestJob.run(spark, config, p.ingest(),
            new IngestJob.Options(o.date(), o.inventory(), o.requests()), out);
        return new StageResult(r.summary(), r.metrics(), null);
      }
      case PROBE: {
        ProbeJob.Result r = ProbeJob.run(spark, config, p.probe(), o.date(), lake, out);
        return new StageResult(r.summary(), r.metrics(), null);
      }
      case SCORE: {
        ScoreJob.Result r = ScoreJob.run(spark, config, p.blocklists(), o.date(), lake, out);
        return new StageResult(r.summary(), r.metrics(), null);
      }
      case PUBLISH: {
        PoolStore store = p.redis() != null ? p.redis()
            : SnapshotPoolStore.fromConfig(config, lake.root(), lake.conf());
        PublishJob.Result r = PublishJob.run(spark, config, store, o.date(), lake, out);
        return new StageResult(r.summary(), r.metrics(), r.top());
      }
      default:
        throw new IllegalStateException("unknown stage " + s);
    }
  }
}
