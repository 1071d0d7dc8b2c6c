package io.ippipe.jobs.probe;

import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeSettings;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.Prober;
import io.ippipe.common.probe.ProxyChecker;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks through the network: one {@link ProxyChecker} per task on the executor's shared event
 * loop, up to probe.concurrency checks in flight.
 */
final class NetworkProber implements Prober {
  private static final long serialVersionUID = 1L;
  /** What the judge sees as this JVM's address, asked once per executor and judge. */
  private static final Map<String, String> OWN_ADDRESS = new ConcurrentHashMap<>();

  private final ProbeSettings settings;
  private final int ioThreads;

  NetworkProber(ProbeSettings settings, int ioThreads) {
    this.settings = settings;
    this.ioThreads = ioThreads;
  }

  @Override
  public List<ProbeResult> checkAll(List<ProbeTarget> targets) throws InterruptedException {
    ProxyChecker checker = new ProxyChecker(settings, ProxyChecker.sharedGroup(ioThreads));
    String judge = settings.judges().get(0).toString();
    String own = OWN_ADDRESS.computeIfAbsent(judge,
        j -> Objects.requireNonNullElse(checker.discoverOwnAddress(), ""));
    if (!own.isEmpty()) {
      checker.addOwnAddress(own);
    }
    return checker.checkAll(targets.iterator());
  }
}
