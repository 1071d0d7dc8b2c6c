package io.ippipe.common.probe;

import io.ippipe.common.config.Keys;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.input.Endpoints;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One address of the judge, from probe.judge_url: http://HOST[:PORT][/PATH]; the checks append
 * /MARKER. probe.judge_url may list several, comma-separated, that differ by port: each check asks
 * for one at random, and the judge signs the port it was reached on, so that a fake proxy taking
 * every request to one judge port is found out (docs/probe.md).
 *
 * @param host a name or an IP literal (IPv6 without brackets)
 * @param port the TCP port, 80 when the URL has none
 * @param path the path without a trailing slash; /judge when the URL has none
 */
public record JudgeUrl(String host, int port, String path) implements Serializable {
  /** Host:port as it goes into a Host header or an absolute URI. */
  public String authority() {
    return Endpoints.hostPort(host, port);
  }

  @Override
  public String toString() {
    return "http://" + authority() + path;
  }

  /** Every URL of probe.judge_url, in order; they must differ by port. */
  public static List<JudgeUrl> parseList(String text) {
    List<JudgeUrl> judges = new ArrayList<>();
    Set<Integer> ports = new HashSet<>();
    for (String one : text.split(",", -1)) {
      JudgeUrl judge = parse(one);
      if (!ports.add(judge.port())) {
        throw new ConfigException("probe.judge_url lists port " + judge.port() + " twice: its "
            + "URLs must differ by port, the one thing a fake proxy relaying every request to "
            + "one judge port cannot follow; got '" + Keys.urlShown(text.strip()) + "'");
      }
      judges.add(judge);
    }
    return List.copyOf(judges);
  }

  /** One URL of probe.judge_url. */
  public static JudgeUrl parse(String text) {
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
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    return new JudgeUrl(uri.getHost().replaceAll("^\\[|\\]$", ""),
        uri.getPort() < 0 ? 80 : uri.getPort(), path.isEmpty() ? "/judge" : path);
  }
}
