package io.ippipe.common.probe;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.Networks;
import java.util.LinkedHashSet;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How checks run: the judge, the per-phase timeouts, retries and the politeness limits. Built from
 * the probe.* keys on the driver (where a bad value fails the run before anything is read) and
 * shipped to the executors with the task.
 *
 * @param judges the judge's addresses (probe.judge_url); with more than one, each check asks
 *     for one at random and its report must come from that port
 * @param concurrency checks in flight at once per task
 * @param perHostInFlight checks in flight at once per proxy address (many ports share a host)
 * @param perSupplierInFlight checks in flight at once per supplier
 * @param ratePerSecond check starts per second for this checker; 0 means no limit
 * @param ownAddresses our own addresses, besides those discovered from the judge and sockets
 * @param allowNetworks special-purpose networks checks may reach all the same
 *     (probe.allow_networks); any other special-purpose address is refused
 * @param judgeKey verifies the judge's signed reports (probe.judge_key)
 */
public record ProbeSettings(List<JudgeUrl> judges, int connectTimeoutMs,
    int handshakeTimeoutMs, int responseTimeoutMs, int retries, int concurrency,
    int perHostInFlight, int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
    Networks allowNetworks, JudgeKey judgeKey) implements Serializable {

  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  public ProbeSettings {
    judges = List.copyOf(judges);
    if (judges.isEmpty()) {
      throw new IllegalArgumentException("no judge");
    }
    ownAddresses = Set.copyOf(ownAddresses);
    java.util.Objects.requireNonNull(allowNetworks);
    java.util.Objects.requireNonNull(judgeKey, "checks verify the judge's signature: set "
        + "probe.judge_key");
  }

  /**
   * The probe.* settings; the rate is the whole run's (see {@link #withRatePerSecond}).
   * {@code judgeKey} is probe.judge_key, loaded by the caller (a credential: alias needs Hadoop).
   */
  public static ProbeSettings from(PipelineConfig c, JudgeKey judgeKey) {
    String url = c.get(Keys.PROBE_JUDGE_URL);
    if (url.isBlank()) {
      throw new ConfigException("probe needs a judge: set probe.judge_url to an 'ippipe judge' "
          + "the proxies can reach, e.g. probe.judge_url=http://judge.example.net:8899/judge,"
          + "http://judge.example.net:8900/judge");
    }
    Set<String> own = new LinkedHashSet<>();
    IpParser parser = new IpParser();
    for (String a : c.get(Keys.PROBE_OWN_ADDRESSES).split(",")) {
      if (a.isBlank()) {
        continue;
      }
      if (!parser.parse(a.strip())) {
        throw new ConfigException("probe.own_addresses: '" + a.strip() + "' is not an IP address");
      }
      own.add(a.strip());
    }
    return of(url, c.get(Keys.PROBE_CONNECT_TIMEOUT_MS), c.get(Keys.PROBE_HANDSHAKE_TIMEOUT_MS),
        c.get(Keys.PROBE_RESPONSE_TIMEOUT_MS), c.get(Keys.PROBE_RETRIES),
        c.get(Keys.PROBE_CONCURRENCY), c.get(Keys.PROBE_PER_HOST_IN_FLIGHT),
        c.get(Keys.PROBE_PER_SUPPLIER_IN_FLIGHT), c.get(Keys.PROBE_RATE_PER_SECOND), own,
        c.get(Keys.PROBE_ALLOW_NETWORKS), judgeKey);
  }

  /** Settings with the judges taken from {@code judgeUrls} and everything else as given. */
  public static ProbeSettings of(String judgeUrls, int connectTimeoutMs, int handshakeTimeoutMs,
      int responseTimeoutMs, int retries, int concurrency, int perHostInFlight,
      int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
      Networks allowNetworks, JudgeKey judgeKey) {
    return new ProbeSettings(JudgeUrl.parseList(judgeUrls), connectTimeoutMs, handshakeTimeoutMs,
        responseTimeoutMs, retries, concurrency, perHostInFlight, perSupplierInFlight,
        ratePerSecond, ownAddresses, allowNetworks, judgeKey);
  }

  public ProbeSettings withRatePerSecond(double rate) {
    return new ProbeSettings(judges, connectTimeoutMs, handshakeTimeoutMs,
        responseTimeoutMs, retries, concurrency, perHostInFlight, perSupplierInFlight, rate,
        ownAddresses, allowNetworks, judgeKey);
  }
}
