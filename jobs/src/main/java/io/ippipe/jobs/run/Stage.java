package io.ippipe.jobs.run;

import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.lake.Table;
import io.ippipe.jobs.lake.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The stages of the nightly run, in their order: the one list of them. Each declares the tables
 * of its date it reads and writes, and the configuration keys it depends on (by prefix); from
 * these {@code run} derives which stages depend on which, and when a done stage is stale.
 */
public enum Stage {
  INGEST(List.of(), List.of(Tables.INVENTORY, Tables.REQUESTS, Tables.EVIDENCE, Tables.REJECTS),
      "validate.", "geo.", "encrypt.", "crypto.", "output.", "ingest."),
  PROBE(List.of(Tables.INVENTORY), List.of(Tables.PROBES, Tables.PROBE_STATE),
      "probe.", "score.lookback_days", "score.retire_after_days", "crypto.credential_provider_path",
      "output."),
  SCORE(List.of(Tables.INVENTORY, Tables.EVIDENCE, Tables.PROBES), List.of(Tables.SCORES),
      "score.", "output."),
  PUBLISH(List.of(Tables.SCORES), List.of(Tables.POOL, Tables.POOL_CHANGES),
      "publish.", "score.lookback_days", "output.");

  private final List<Table> reads;
  private final List<Table> writes;
  private final List<String> configPrefixes;

  Stage(List<Table> reads, List<Table> writes, String... configPrefixes) {
    this.reads = reads;
    this.writes = writes;
    this.configPrefixes = List.of(configPrefixes);
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public List<Table> reads() {
    return reads;
  }

  public List<Table> writes() {
    return writes;
  }

  /** Whether this stage's result depends on the config key (an exact name or a prefix). */
  public boolean reads(String configKey) {
    return configPrefixes.stream().anyMatch(p -> p.endsWith(".") ? configKey.startsWith(p)
        : configKey.equals(p));
  }

  /** The earlier stages that write a table of the date this stage reads. */
  public Set<Stage> upstream() {
    Set<Stage> out = EnumSet.noneOf(Stage.class);
    for (Stage s : values()) {
      if (s.ordinal() < ordinal() && s.writes.stream().anyMatch(reads::contains)) {
        out.add(s);
      }
    }
    return out;
  }

  /** This stage and every stage that reads, directly or not, what it writes. */
  public Set<Stage> withDownstream() {
    Set<Stage> out = EnumSet.of(this);
    for (Stage s : values()) {
      if (s.ordinal() > ordinal() && s.upstream().stream().anyMatch(out::contains)) {
        out.add(s);
      }
    }
    return out;
  }

  public static Stage of(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (Stage s : values()) {
      if (s.id().equals(t)) {
        return s;
      }
    }
    if (List.of("validate", "geotag", "encrypt").contains(t)) {
      throw new ConfigException("Stage '" + text + "' is gone: validate, geotag and encrypt are "
          + "one pass now, the stage ingest (docs/tables.md, migration)");
    }
    throw new ConfigException("Unknown stage '" + text + "': use one of "
        + String.join(", ", Arrays.stream(values()).map(Stage::id).toList()));
  }

  /** run.stages: a comma-separated subsequence of the stages, in order. */
  public static List<Stage> parseList(String text) {
    List<Stage> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Stage s = of(part);
      if (!out.isEmpty() && s.ordinal() <= out.get(out.size() - 1).ordinal()) {
        throw new ConfigException("run.stages must list stages once each, in pipeline order ("
            + String.join(", ", Arrays.stream(values()).map(Stage::id).toList()) + "): got '"
            + text + "'");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ConfigException("run.stages is empty: name at least one stage");
    }
    return out;
  }
}
