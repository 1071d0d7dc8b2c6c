package io.ippipe.common.score;

import java.util.List;

/**
 * What one gateway request says about the proxy that carried it. Client errors other than the
 * ban codes (404, 400, ...) count as successes: the proxy delivered the target's answer.
 */
public enum RequestOutcome {
  SUCCESS,
  /** No reply or a gateway timeout: Squid's 000, 504. */
  CONNECT_FAILURE,
  /** The target or the proxy refused us: 403, 407, 429, or Squid's TCP_DENIED*. */
  BAN,
  /** Any other 5xx from upstream. */
  UPSTREAM_ERROR;

  public static final List<Integer> CONNECT_FAILURE_STATUSES = List.of(0, 504);
  public static final List<Integer> BAN_STATUSES = List.of(403, 407, 429);
  /** Squid result codes that mean the request was denied, whatever the status (prefix match). */
  public static final String BAN_RESULT_PREFIX = "TCP_DENIED";

  public static RequestOutcome classify(int httpStatus, String resultCode) {
    if (resultCode != null && resultCode.startsWith(BAN_RESULT_PREFIX)) {
      return BAN;
    }
    if (CONNECT_FAILURE_STATUSES.contains(httpStatus)) {
      return CONNECT_FAILURE;
    }
    if (BAN_STATUSES.contains(httpStatus)) {
      return BAN;
    }
    if (httpStatus >= 500 && httpStatus <= 599) {
      return UPSTREAM_ERROR;
    }
    return SUCCESS;
  }
}
