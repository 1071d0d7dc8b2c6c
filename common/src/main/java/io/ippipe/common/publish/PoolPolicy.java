package io.ippipe.common.publish;

import io.ippipe.common.input.Endpoints;
import java.util.Locale;

/** How the pool is grouped and named; the selection itself (threshold, caps) is publish config. */
public final class PoolPolicy {
  /** Country of a proxy no geo source locates (ISO 3166 user-assigned "unknown"). */
  public static final String UNKNOWN_COUNTRY = "ZZ";
  public static final String UNKNOWN_TYPE = "unknown";

  /** Why a proxy entered, stayed in or left the pool (pool_changes.reason). */
  public static final String ELIGIBLE = "eligible";
  public static final String BELOW_MIN_SCORE = "below_min_score";
  public static final String GROUP_CAP = "group_cap";
  public static final String NOT_SCORED = "not_scored";

  private PoolPolicy() {}

  /** {@code US:http:residential}: gateways pick a group by what the customer asked for. */
  public static String group(String country, String protocol, String proxyType) {
    return (country == null ? UNKNOWN_COUNTRY : country.toUpperCase(Locale.ROOT)) + ":" + protocol
        + ":" + (proxyType == null ? UNKNOWN_TYPE : proxyType);
  }

  /** {@code http://1.2.3.4:8080}, {@code socks5://[2001:db8::1]:1080}. */
  public static String member(String protocol, String ip, int port) {
    return protocol + "://" + Endpoints.hostPort(ip, port);
  }
}
