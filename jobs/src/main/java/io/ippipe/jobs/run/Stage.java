package io.ippipe.jobs.run;

import io.ippipe.common.error.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The stages of the nightly run, in their order. */
public enum Stage {
  VALIDATE, GEOTAG, ENCRYPT, PROBE, SCORE, PUBLISH;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Stage of(String text) {
    for (Stage s : values()) {
      if (s.id().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return s;
      }
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
        throw new ConfigException("run.stages must list stages once each, in pipeline order "
            + "(validate, geotag, encrypt, probe, score, publish): got '" + text + "'");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ConfigException("run.stages is empty: name at least one stage");
    }
    return out;
  }
}
