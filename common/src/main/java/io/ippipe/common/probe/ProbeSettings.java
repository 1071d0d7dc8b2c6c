package io.ippipe.common.probe;

import io.ippipe.common.error.ConfigException;
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
 * @param allowSpecialPurpose test-only: allow loopback and other special-purpose proxy addresses
 */
public record ProbeSettings(String judgeHost, int judgePort, String judgePath, int connectTimeoutMs,
    int handshakeTimeoutMs, int responseTimeoutMs, int retries, int concurrency,
    int perHostInFlight, int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
    boolean allowSpecialPurpose) implements Serializable {

  public static final int MAX_RESPONSE_BYTES = 64 * 1024;

  public ProbeSettings {
    ownAddresses = Set.copyOf(ownAddresses);
  }

  /** Parses probe.judge_url: http://HOST[:PORT][/PATH]; the checks append /MARKER. */
  public static URI judgeUri(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("probe.judge_url '" + text + "' is not a URL: " + e.getReason());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new ConfigException("probe.judge_url must be an http:// URL with a host, e.g. "
          + "http://judge.example.net:8899/judge (run one with: ippipe judge --port 8899); got '"
          + text + "'");
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException("probe.judge_url takes no user info, query or fragment: '"
          + text + "'");
    }
    return uri;
  }

  /** Settings with the judge taken from {@code judgeUrl} and everything else as given. */
  public static ProbeSettings of(String judgeUrl, int connectTimeoutMs, int handshakeTimeoutMs,
      int responseTimeoutMs, int retries, int concurrency, int perHostInFlight,
      int perSupplierInFlight, double ratePerSecond, Set<String> ownAddresses,
      boolean allowSpecialPurpose) {
    URI uri = judgeUri(judgeUrl);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/judge"
        : uri.getRawPath().replaceAll("/+$", "");
    return new ProbeSettings(uri.getHost().replaceAll("^\\[|\\]$", ""),
        uri.getPort() < 0 ? 80 : uri.getPort(), path.isEmpty() ? "/judge" : path,
        connectTimeoutMs, handshakeTimeoutMs, responseTimeoutMs, retries, concurrency,
        perHostInFlight, perSupplierInFlight, ratePerSecond, ownAddresses, allowSpecialPurpose);
  }

  public ProbeSettings withConcurrency(int newConcurrency) {
    return new ProbeSettings(judgeHost, judgePort, judgePath, connectTimeoutMs, handshakeTimeoutMs,
        responseTimeoutMs, retries, newConcurrency, perHostInFlight, perSupplierInFlight,
        ratePerSecond, ownAddresses, allowSpecialPurpose);
  }

  public ProbeSettings withRatePerSecond(double rate) {
    return new ProbeSettings(judgeHost, judgePort, judgePath, connectTimeoutMs, handshakeTimeoutMs,
        responseTimeoutMs, retries, concurrency, perHostInFlight, perSupplierInFlight, rate,
        ownAddresses, allowSpecialPurpose);
  }

  /** Host:port as it goes into a Host header or an absolute URI. */
  public String judgeAuthority() {
    return (judgeHost.indexOf(':') >= 0 ? "[" + judgeHost + "]" : judgeHost) + ":" + judgePort;
  }
}
