package io.ippipe.common.probe;

import io.ippipe.common.input.Endpoints;
import io.ippipe.common.input.ProxyProtocol;

/**
 * One proxy endpoint to check. The credentials come from probe.credentials, never from the
 * inventory outputs; {@link #toString()} leaves them out so that no log line can carry them.
 */
public record ProbeTarget(String ip, int port, ProxyProtocol protocol, String supplier,
    String username, String password) {

  public ProbeTarget(String ip, int port, ProxyProtocol protocol, String supplier) {
    this(ip, port, protocol, supplier, null, null);
  }

  public boolean hasCredentials() {
    return username != null;
  }

  public ProbeTarget withCredentials(ProxyCredentials.UserPassword credentials) {
    return credentials == null ? this
        : new ProbeTarget(ip, port, protocol, supplier, credentials.user(), credentials.password());
  }

  /** ip:port, with brackets around an IPv6 address. */
  public String endpoint() {
    return Endpoints.hostPort(ip, port);
  }

  @Override
  public String toString() {
    return protocol.text() + "://" + endpoint() + (hasCredentials() ? " (with credentials)" : "");
  }
}
