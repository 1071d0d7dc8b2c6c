package io.ippipe.common.probe;

import java.io.Serializable;
import java.util.List;

/**
 * What answers one task's checks. A nightly run checks through the network
 * ({@link ProxyChecker}); {@code ippipe eval} answers from its simulation's truth
 * ({@link io.ippipe.common.synth.SimulatedProber}), so that simulated days carry active checks
 * chosen, written and scored exactly as a nightly run's are.
 */
public interface Prober extends Serializable {
  /** Every attempt of every check of {@code targets}, retries included, in any order. */
  List<ProbeResult> checkAll(List<ProbeTarget> targets) throws Exception;
}
