package io.ippipe.common.probe;

import java.util.Locale;

/**
 * How one check ended. The text form is written to {@code probes/} and is stable. Each class
 * names the phase that failed, so that an operator can tell a dead host from a proxy that refuses
 * our credentials from one that answers but lies.
 */
public enum ProbeOutcome {
  /** The judge answered through the proxy with this check's marker. */
  OK(false),
  /** No TCP connection to the proxy within probe.connect_timeout_ms. */
  CONNECT_TIMEOUT(true),
  /** The proxy's host refused or reset the TCP connection. */
  REFUSED(true),
  /** Connected, but the CONNECT or SOCKS handshake took longer than probe.handshake_timeout_ms. */
  HANDSHAKE_TIMEOUT(true),
  /** The proxy broke the handshake: refused the tunnel, closed, or spoke another protocol. */
  HANDSHAKE_FAILED(false),
  /** The proxy rejected the credentials (HTTP 407, SOCKS5 authentication failure). */
  AUTH_FAILED(false),
  /** The tunnel stood, but no response arrived within probe.response_timeout_ms. */
  RESPONSE_TIMEOUT(true),
  /** The proxy closed the connection before sending any response. */
  CLOSED(true),
  /** The proxy sent something that is not an HTTP response, or a non-200 status. */
  BAD_RESPONSE(false),
  /** The proxy answered 502, 503 or 504: it could not reach the judge. */
  UPSTREAM_ERROR(true),
  /**
   * HTTP 200, but not from our judge: the marker is missing or wrong (a captive page, a cache),
   * or the report is not signed with probe.judge_key (a proxy answering in the judge's place).
   */
  JUDGE_MISMATCH(false),
  /** Never attempted: a special-purpose address outside probe.allow_networks. */
  NOT_ALLOWED(false);

  private final boolean retryable;

  ProbeOutcome(boolean retryable) {
    this.retryable = retryable;
  }

  /** Transient failures worth another attempt within the same check (probe.retries). */
  public boolean retryable() {
    return retryable;
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ProbeOutcome fromText(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
