package io.ippipe.jobs.run;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.crypto.KeyRing;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.QualityGateException;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.score.Blocklists;
import io.ippipe.jobs.encrypt.EncryptJob;
import io.ippipe.jobs.encrypt.KeyLoader;
import io.ippipe.jobs.geotag.GeotagJob;
import io.ippipe.jobs.io.StagedCommit;
import io.ippipe.jobs.publish.PoolStore;
import io.ippipe.jobs.publish.PublishJob;
import io.ippipe.jobs.publish.RedisPoolStore;
import io.ippipe.jobs.publish.SnapshotPoolStore;
import io.ippipe.jobs.probe.ProbeJob;
import io.ippipe.jobs.score.ScoreJob;
import io.ippipe.jobs.validate.ValidateJob;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ippipe run}: one date through validate, geotag, encrypt, score and publish. Each stage
 * writes into {@code _staging/dt=D/<stage>/}, is committed into the lake ({@link StagedCommit})
 * and only then marked done ({@link StageMarker}); a done stage is skipped unless it is forced or
 * an upstream stage finished after it. A failing stage leaves the committed outputs as they were,
 * and no later stage (so no publish) runs.
 */
public final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);
  /** Test-only: fail this stage after it has written its staging output, before the commit. */
  public static final String FAIL_STAGE_PROPERTY = "ippipe.test.fail_stage";

  /**
   * @param from redo this stage and every later one
   * @param only run just this stage (what each Airflow task does)
   */
  public record Options(LocalDate date, String lake, List<String> inventory, List<String> requests,
      boolean force, Stage from, Stage only) {}

  /** Per stage: run it, or why not; and the done markers read to decide (absent: none). */
  public record Plan(Map<Stage, String> decisions, Map<Stage, StageMarker> markers) {
    public boolean runs(Stage s) {
      return decisions.get(s).startsWith("run");
    }
  }

  public record StageRun(String stage, String status, double seconds, String detail) {}

  public record Result(LocalDate date, List<StageRun> stages, String runMetrics, String report,
      List<String> top) {}

  /** What the stages that will run need, loaded and checked before any data is read. */
  public record Prepared(GeoCatalog geo, KeyRing keys, ProbeJob.Prepared probe,
      Blocklists blocklists, RedisPoolStore redis) {}

  private RunJob() {}

  public static Plan plan(Configuration conf, PipelineConfig config, Options o) throws Exception {
    List<Stage> configured = Stage.parseList(config.get(Keys.RUN_STAGES));
    if (o.only() != null && !configured.contains(o.only())) {
      throw new ConfigException("--stage " + o.only().id() + " is not in run.stages ("
          + config.get(Keys.RUN_STAGES) + ")");
    }
    Map<Stage, String> decisions = new LinkedHashMap<>();
    Map<Stage, StageMarker> markers = new LinkedHashMap<>();
    long upstreamFinished = 0;
    for (Stage s : Stage.values()) {
      StageMarker marker = configured.contains(s) ? StageMarker.read(conf, o.lake(), o.date(), s) : null;
      String decision;
      if (!configured.contains(s)) {
        decision = "skip: not in run.stages";
      } else if (o.only() != null && s != o.only()) {
        decision = "skip: not selected (--stage " + o.only().id() + ")";
      } else if (o.force()) {
        decision = "run: --force";
      } else if (o.from() != null && s.ordinal() >= o.from().ordinal()) {
        decision = "run: --from " + o.from().id();
      } else if (marker == null) {
        decision = "run: not done yet";
      } else if (marker.finishedAtMillis() < upstreamFinished) {
        decision = "run: an upstream stage finished after it";
      } else {
        decision = "skip: done at " + java.time.Instant.ofEpochMilli(marker.finishedAtMillis());
      }
      if (marker != null) {
        markers.put(s, marker);
        upstreamFinished = Math.max(upstreamFinished, marker.finishedAtMillis());
      }
      if (decision.startsWith("run")) {
        // This stage will finish now: everything downstream becomes stale.
        upstreamFinished = Long.MAX_VALUE;
      }
      decisions.put(s, decision);
    }
    return new Plan(decisions, markers);
  }

  /** Loads geo, keys, blocklists and reaches Redis for the stages that will run: exit 2 here. */
  public static Prepared prepare(PipelineConfig config, Options o, Plan plan) {
    if (plan.runs(Stage.VALIDATE)) {
      new ValidateJob.Options(o.date(), o.inventory(), o.requests(), o.lake());
    }
    GeoCatalog geo = plan.runs(Stage.GEOTAG) ? GeotagJob.catalog(config) : null;
    KeyRing keys = null;
    if (plan.runs(Stage.ENCRYPT)) {
      keys = KeyLoader.load(config);
      EncryptJob.checkKeys(config, keys);
    }
    ProbeJob.Prepared probe = plan.runs(Stage.PROBE) ? ProbeJob.prepare(config) : null;
    Blocklists blocklists = plan.runs(Stage.SCORE) ? ScoreJob.prepare(config) : null;
    RedisPoolStore redis = plan.runs(Stage.PUBLISH) ? RedisPoolStore.fromConfig(config) : null;
    return new Prepared(geo, keys, probe, blocklists, redis);
  }

  public static Result run(SparkSession spark, PipelineConfig config, Options o, Plan plan,
      Prepared prepared, PrintStream console) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String digest = config.digest();
    List<StageRun> runs = new ArrayList<>();
    try (Progress progress = new Progress(console, 10)) {
      spark.sparkContext().addSparkListener(progress);
      try {
        for (Stage s : Stage.values()) {
          String decision = plan.decisions().get(s);
          if (!plan.runs(s)) {
            StageMarker m = plan.markers().get(s);
            runs.add(new StageRun(s.id(), decision.startsWith("skip: done") ? "done earlier" : "skipped",
                m == null ? 0 : m.seconds(), decision.substring("skip: ".length())));
            console.printf("== %-8s skipped (%s)%n", s.id(), decision.substring("skip: ".length()));
            continue;
          }
          console.printf("== %-8s %s%n", s.id(), decision.substring("run: ".length()));
          progress.stage(s.id());
          long start = System.nanoTime();
          String staging = o.lake() + "/_staging/dt=" + o.date() + "/" + s.id();
          Path stagingPath = new Path(staging);
          stagingPath.getFileSystem(conf).delete(stagingPath, true);
          // The marker goes first: a crash between the commit and a new marker must not leave an
          // old marker claiming the new outputs.
          StageMarker.delete(conf, o.lake(), o.date(), s);
          String detail;
          try {
            detail = runStage(spark, config, o, prepared, s, staging);
          } catch (QualityGateException gate) {
            // validate writes its outputs and metrics even when the gate trips: commit them, mark
            // nothing done, publish nothing.
            StagedCommit.commit(conf, staging, o.lake());
            runs.add(new StageRun(s.id(), "quality gate breached", seconds(start), gate.getMessage()));
            throw gate;
          } catch (Exception e) {
            stagingPath.getFileSystem(conf).delete(stagingPath, true);
            runs.add(new StageRun(s.id(), "failed", seconds(start), e.getMessage()));
            throw e;
          }
          if (s.id().equals(System.getProperty(FAIL_STAGE_PROPERTY))) {
            stagingPath.getFileSystem(conf).delete(stagingPath, true);
            throw new IllegalStateException("injected failure in " + s.id() + " (" + FAIL_STAGE_PROPERTY + ")");
          }
          StagedCommit.commit(conf, staging, o.lake());
          double seconds = seconds(start);
          new StageMarker(s.id(), o.date().toString(), System.currentTimeMillis(), seconds, digest)
              .write(conf, o.lake());
          runs.add(new StageRun(s.id(), "ran", seconds, detail));
          console.printf("   %-8s %s (%.1f s)%n", s.id(), detail, seconds);
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
    RunMetrics metrics = RunMetrics.collect(conf, o.lake(), o.date(), runs, digest);
    String runFile = metrics.write(conf, o.lake());
    String report = RunReport.write(conf, o.lake(), o.date(), metrics.document());
    return new Result(o.date(), runs, runFile, report, metrics.topOfPool());
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
  }

  private static String runStage(SparkSession spark, PipelineConfig config, Options o,
      Prepared p, Stage s, String staging) throws Exception {
    switch (s) {
      case VALIDATE: {
        ValidateJob.Result r = ValidateJob.run(spark, config,
            new ValidateJob.Options(o.date(), o.inventory(), o.requests(), staging));
        StringBuilder b = new StringBuilder();
        r.datasets().values().forEach(m -> b.append(String.format("%s %,d read, %,d valid, %,d rejected; ",
            m.dataset(), m.recordsRead(), m.valid(), m.rejected())));
        return b.toString().replaceAll("; $", "");
      }
      case GEOTAG: {
        GeotagJob.Result r = GeotagJob.run(spark, config, p.geo(), new GeotagJob.Options(o.date(), o.lake(), staging));
        StringBuilder b = new StringBuilder();
        r.datasets().forEach(d -> b.append(String.format("%s %,d rows; ", d.dataset(), d.rows())));
        return b.toString().replaceAll("; $", "");
      }
      case ENCRYPT: {
        EncryptJob.Result r = EncryptJob.run(spark, config, p.keys(), new EncryptJob.Options(o.date(), o.lake(), staging));
        StringBuilder b = new StringBuilder("key id " + r.keyId() + ": ");
        r.datasets().forEach(d -> b.append(String.format("%s %,d rows; ", d.dataset(), d.rows())));
        return b.toString().replaceAll("; $", "");
      }
      case PROBE: {
        ProbeJob.Result r = ProbeJob.run(spark, config, p.probe(),
            new ProbeJob.Options(o.date(), o.lake(), staging));
        return String.format("%,d checks of %,d listed endpoints (due %s), outcomes %s", r.checks(),
            r.endpoints(), r.due(), r.outcomes());
      }
      case SCORE: {
        ScoreJob.Result r = ScoreJob.run(spark, config, p.blocklists(), new ScoreJob.Options(o.date(), o.lake(), staging));
        return String.format("%,d proxies, %,d with requests, previous %s, excluded %s", r.proxies(),
            r.scored(), r.previous() == null ? "none" : r.previous(), r.excluded());
      }
      case PUBLISH: {
        PoolStore store = p.redis() != null ? p.redis()
            : SnapshotPoolStore.fromConfig(config, o.lake(), spark.sparkContext().hadoopConfiguration());
        PublishJob.Result r = PublishJob.run(spark, config, store, new PublishJob.Options(o.date(), o.lake(), staging));
        return String.format("%,d proxies in %d groups, version %s %s %s", r.poolSize(),
            r.groups().size(), r.version(), r.changed() ? "now live in" : "already live in", r.store());
      }
      default:
        throw new IllegalStateException("unknown stage " + s);
    }
  }
}
