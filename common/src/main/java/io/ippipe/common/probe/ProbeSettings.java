package io.ippipe.common.probe;

import io.ippipe.common.input.Endpoints;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.Networks;
import java.util.LinkedHashSet;
import java.io.Serializable;
import java.net.URI;
import java.util.Set;

/**
 * How checks run: the judge, the per-phase timeouts, retries and the politeness limits. Built from
 * the probe.* keys on the driver (where a bad value fails the run before anything is read) and
 * shipped to the executors with the task.
 *
 * @param concurrency checks in flight at once per task
 * @param perHostInFlight checks in flight at once per proxy address (many ports share a host)
 * @param perSupplierInFlight checks in flight at once per supplier
 * @param ratePerSecond check starts per second for this checker; 0 means no limit
 * @param ownAddresses our own addresses, besides those discovered from the judge and sockets
 * @param allowNetworks special-purpose networks checks may reach all the same
 *     (probe.allow_networks); any other special-purpose address is refused
 * @param judgeKey verifies the judge's signed reports (probe.judge_key)
 */
public record ProbeSettings(String judgeHost, int judgePort, String judgePath, int connectTimeoutMs,
    int handshakeTimeoutMs, int responseTimeoutMs, int retries, int concurrency,
    int perHostInFlight, int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
    Networks allowNetworks, JudgeKey judgeKey) implements Serializable {

  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  public ProbeSettings {
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
          + "the proxies can reach, e.g. probe.judge_url=http://judge.example.net:8899/judge");
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

  /** Parses probe.judge_url: http://HOST[:PORT][/PATH]; the checks append /MARKER. */
  public static URI judgeUri(String text) {
    URI uri;
    // Messages show the URL with its user info masked: it may carry a password.
    String shown = Keys.urlShown(text.strip());
    try {
      uri = new URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("probe.judge_url '" + shown + "' is not a URL: " + e.getReason());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new ConfigException("probe.judge_url must be an http:// URL with a host, e.g. "
          + "http://judge.example.net:8899/judge (run one with: ippipe judge --port 8899); got '"
          + shown + "'");
    }
    if (uri.getRawUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException("probe.judge_url takes no user info, query or fragment: '"
          + shown + "'");
    }
    return uri;
  }

  /** Settings with the judge taken from {@code judgeUrl} and everything else as given. */
  public static ProbeSettings of(String judgeUrl, int connectTimeoutMs, int handshakeTimeoutMs,
      int responseTimeoutMs, int retries, int concurrency, int perHostInFlight,
      int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
      Networks allowNetworks, JudgeKey judgeKey) {
    URI uri = judgeUri(judgeUrl);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/judge"
        : uri.getRawPath().replaceAll("/+$", "");
    return new ProbeSettings(uri.getHost().replaceAll("^\\[|\\]$", ""),
        uri.getPort() < 0 ? 80 : uri.getPort(), path.isEmpty() ? "/judge" : path,
        connectTimeoutMs, handshakeTimeoutMs, responseTimeoutMs, retries, concurrency,
        perHostInFlight, perSupplierInFlight, ratePerSecond, ownAddresses, allowNetworks,
        judgeKey);
  }

  public ProbeSettings withRatePerSecond(double rate) {
    return new ProbeSettings(judgeHost, judgePort, judgePath, connectTimeoutMs, handshakeTimeoutMs,
        responseTimeoutMs, retries, concurrency, perHostInFlight, perSupplierInFlight, rate,
        ownAddresses, allowNetworks, judgeKey);
  }

  /** Host:port as it goes into a Host header or an absolute URI. */
  public String judgeAuthority() {
    return Endpoints.hostPort(judgeHost, judgePort);
  }
}
