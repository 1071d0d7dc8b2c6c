package io.ippipe.jobs.ingest;

import io.ippipe.common.score.EndpointEvidence;
import io.ippipe.jobs.io.Frames;
import io.ippipe.jobs.io.HadoopConf;
import io.ippipe.jobs.lake.StageOutput;
import io.ippipe.jobs.lake.Tables;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * The {@code evidence} table of a day: the pass's per-task evidence files merged per endpoint.
 * They hold one entry per endpoint a task saw, so the merge moves a small fraction of the
 * requests' volume, never the requests.
 */
final class EvidenceTable {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99};
  private static final StructType SCHEMA = Tables.EVIDENCE.schema();

  private EvidenceTable() {}

  /**
   * Merges and writes the evidence of {@code files} (holding {@code entries} endpoint entries
   * in all).
   */
  static void write(SparkSession spark, List<String> files, long entries, long rowsPerFile,
      StageOutput out) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    HadoopConf conf = new HadoopConf(jsc.hadoopConfiguration());
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    JavaRDD<InternalRow> rows = files.isEmpty() ? jsc.emptyRDD()
        : jsc.parallelize(files, files.size())
            .flatMapToPair(file -> EvidenceFile.read(file, conf.get()))
            // Each file holds an endpoint once, so combining before the shuffle saves nothing;
            // after it, each endpoint's entries are decoded once and merged into one object.
            .combineByKey(EvidenceFile.Merged::new, EvidenceFile.Merged::add,
                EvidenceFile.Merged::merge, new HashPartitioner(partitions), false, null)
            .map(EvidenceTable::row);
    Dataset<Row> evidence = Frames.fromInternalRows(spark, rows.rdd(), SCHEMA);
    // Sized by the files' entries, an upper bound of the endpoints (each file holds each once).
    out.write(Tables.EVIDENCE, evidence, StageOutput.Layout.sized(entries, rowsPerFile,
        "proxy_ip", "proxy_port"));
  }

  /** The attempts the written table holds, read back from its one column (a row per endpoint). */
  static long attempts(SparkSession spark, StageOutput out) {
    Row total = out.read(spark, Tables.EVIDENCE).agg(functions.sum("attempts")).first();
    return total.isNullAt(0) ? 0 : total.getLong(0);
  }

  private static InternalRow row(Tuple2<EvidenceFile.Endpoint, EvidenceFile.Merged> t) {
    EndpointEvidence e = t._2().evidence();
    SpecificInternalRow r = new SpecificInternalRow(SCHEMA);
    r.update(0, UTF8String.fromString(t._1().ip()));
    if (t._1().port() == null) {
      r.setNullAt(1);
    } else {
      r.setInt(1, t._1().port());
    }
    r.setLong(2, e.attempts());
    r.setLong(3, e.successes());
    r.setLong(4, e.connectFailures());
    r.setLong(5, e.bans());
    r.setLong(6, e.upstreamErrors());
    r.setLong(7, e.bytes());
    r.setLong(8, e.exitObserved());
    r.setLong(9, e.exitMismatches());
    double[] q = e.latencyQuantiles(QUANTILES);
    for (int i = 0; i < QUANTILES.length; i++) {
      if (q == null) {
        r.setNullAt(10 + i);
      } else {
        r.setDouble(10 + i, q[i]);
      }
    }
    r.setLong(13, e.distinctTargets());
    r.setLong(14, e.firstSeenMicros());
    r.setLong(15, e.lastSeenMicros());
    return r;
  }
}
