package io.ippipe.jobs.score;

import io.ippipe.common.score.ProbeEvidence;
import io.ippipe.common.score.ProxyEvidence;
import io.ippipe.common.score.ProxyScore;
import io.ippipe.common.score.ScoreModel;
import io.ippipe.common.score.ScoreParams;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Row adapter around {@link ScoreModel}: a struct of evidence columns in, the components out. */
final class ScoreUdf implements UDF1<Row, Row> {
  /** The evidence struct's fields, in the order {@link #call} reads them. */
  static final String[] EVIDENCE = {"attempts", "successes", "connect_failures", "bans",
      "upstream_errors", "latency_p90_ms", "days_since_last_seen", "days_since_listed",
      "in_inventory", "claimed_country", "country_code", "proxy_type", "network_type",
      "previous_health", "previous_evidence", "previous_successes", "days_since_previous",
      "blocklist", "globally_reachable", "probe_checks", "probe_passed", "probe_median_ms"};

  /** The components, in the scores table's order (the job selects them all from the struct). */
  static final StructType RESULT = new StructType()
      .add("availability", DataTypes.DoubleType, true)
      .add("latency_score", DataTypes.DoubleType, true)
      .add("ban_rate", DataTypes.DoubleType, true)
      .add("observed", DataTypes.DoubleType, true)
      .add("carried_evidence", DataTypes.DoubleType, false)
      .add("evidence", DataTypes.DoubleType, false)
      .add("evidence_successes", DataTypes.DoubleType, false)
      .add("health", DataTypes.DoubleType, false)
      .add("record_rate", DataTypes.DoubleType, false)
      .add("freshness", DataTypes.DoubleType, false)
      .add("geo_consistency", DataTypes.StringType, false)
      .add("geo_factor", DataTypes.DoubleType, false)
      .add("type_consistency", DataTypes.StringType, false)
      .add("type_factor", DataTypes.DoubleType, false)
      .add("bound_score", DataTypes.DoubleType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("excluded_reason", DataTypes.StringType, true);

  private final ScoreParams params;
  private transient ScoreModel model;

  ScoreUdf(ScoreParams params) {
    this.params = params;
  }

  @Override
  public Row call(Row e) {
    if (model == null) {
      model = new ScoreModel(params);
    }
    ProxyScore s = model.score(new ProxyEvidence(e.getLong(0), e.getLong(1), e.getLong(2),
        e.getLong(3), e.getLong(4), e.isNullAt(5) ? null : e.getDouble(5),
        e.isNullAt(6) ? null : e.getInt(6), e.isNullAt(7) ? null : e.getInt(7), e.getBoolean(8),
        e.getString(9), e.getString(10), e.getString(11), e.getString(12),
        e.isNullAt(13) ? null : e.getDouble(13), e.isNullAt(14) ? null : e.getDouble(14),
        e.isNullAt(15) ? null : e.getDouble(15), e.isNullAt(16) ? null : e.getInt(16),
        e.getString(17), e.getBoolean(18),
        new ProbeEvidence(e.getLong(19), e.getLong(20), e.isNullAt(21) ? null : e.getDouble(21))));
    return RowFactory.create(s.availability(), s.latencyScore(), s.banRate(), s.observed(),
        s.carriedEvidence(), s.evidence(), s.evidenceSuccesses(), s.health(), s.recordRate(),
        s.freshness(), s.geoConsistency(), s.geoFactor(), s.typeConsistency(), s.typeFactor(),
        s.boundScore(), s.score(), s.excludedReason());
  }
}
