package io.ippipe.common.score;

import java.io.Serializable;

/**
 * The day's active checks of one proxy (the probe job's final attempts): how many checks, how
 * many passed, and the median time of the passing ones through the proxy to the judge.
 */
public record ProbeEvidence(long checks, long passed, Double medianMs) implements Serializable {
  public static final ProbeEvidence NONE = new ProbeEvidence(0, 0, null);
}
