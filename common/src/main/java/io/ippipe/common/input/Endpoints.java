package io.ippipe.common.input;

import io.ippipe.common.error.RejectReason;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.SpecialPurpose;

/** Field-level rules shared by every inventory and log format: addresses and ports. */
public final class Endpoints {
  private Endpoints() {}

  /** An address and port, as split from {@code a.b.c.d:port} or {@code [v6]:port}. */
  public record HostPort(IpAddress ip, int port) {}

  /**
   * A proxy address: an IP literal (no zone id) that is globally reachable. Uses the caller's
   * parser so that a task parses millions of rows without allocating one per row.
   */
  public static Parsed<IpAddress> proxyAddress(IpParser parser, String text, int from, int to) {
    if (!parser.parse(text, from, to)) {
      return Parsed.reject(parser.error(), null);
    }
    if (parser.hadZone()) {
      return Parsed.reject(RejectReason.IPV6_ZONE_ID, null);
    }
    IpAddress ip = new IpAddress(parser.hi(), parser.lo(), parser.version());
    SpecialPurpose.Entry entry = SpecialPurpose.classify(ip.hi(), ip.lo());
    if (!entry.globallyReachable()) {
      return Parsed.reject(RejectReason.SPECIAL_PURPOSE_ADDRESS, entry.describe());
    }
    return Parsed.ok(ip);
  }

  /**
   * {@code host:port} as URLs and proxy lists write it: an IPv6 address (any text with a colon)
   * in brackets. The inverse of {@link #proxyHostPort}.
   */
  public static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** A port number 1..65535 in decimal text. */
  public static Parsed<Integer> port(String text, int from, int to) {
    if (from >= to) {
      return Parsed.reject(RejectReason.INVALID_PORT, "missing port");
    }
    if (to - from > 5) {
      return Parsed.reject(RejectReason.INVALID_PORT, "port out of range");
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return Parsed.reject(RejectReason.INVALID_PORT, "port is not a number");
      }
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) {
      return Parsed.reject(RejectReason.INVALID_PORT, "port " + value + " outside 1..65535");
    }
    return Parsed.ok(value);
  }

  public static Parsed<Integer> port(long value) {
    if (value < 1 || value > 65535) {
      return Parsed.reject(RejectReason.INVALID_PORT, "port " + value + " outside 1..65535");
    }
    return Parsed.ok((int) value);
  }

  /**
   * Splits {@code host:port} where host is a proxy address. IPv6 needs brackets: without them
   * {@code 2001:db8::1:8080} could be an address or an address and a port.
   */
  public static Parsed<HostPort> proxyHostPort(IpParser parser, String text, int from, int to) {
    if (from >= to) {
      return Parsed.reject(RejectReason.MISSING_FIELD, "missing host:port");
    }
    int hostFrom;
    int hostTo;
    int colon;
    if (text.charAt(from) == '[') {
      int close = text.indexOf(']', from);
      if (close < 0 || close >= to) {
        return Parsed.reject(RejectReason.MALFORMED_RECORD, "unbalanced [ in IPv6 address");
      }
      hostFrom = from + 1;
      hostTo = close;
      if (close + 1 >= to || text.charAt(close + 1) != ':') {
        return Parsed.reject(RejectReason.INVALID_PORT, "missing port");
      }
      colon = close + 1;
    } else {
      colon = -1;
      int colons = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c == ':') {
          colons++;
          colon = i;
        } else if (c == ']' || c == '[') {
          return Parsed.reject(RejectReason.MALFORMED_RECORD, "unbalanced ] in IPv6 address");
        }
      }
      if (colons == 0) {
        Parsed<IpAddress> ip = proxyAddress(parser, text, from, to);
        return ip.isValid() ? Parsed.reject(RejectReason.INVALID_PORT, "missing port") : ip.asReject();
      }
      if (colons > 1) {
        return Parsed.reject(RejectReason.INVALID_IPV6, "IPv6 with a port needs [brackets]");
      }
      hostFrom = from;
      hostTo = colon;
    }
    Parsed<IpAddress> ip = proxyAddress(parser, text, hostFrom, hostTo);
    if (!ip.isValid()) {
      return ip.asReject();
    }
    Parsed<Integer> port = port(text, colon + 1, to);
    if (!port.isValid()) {
      return port.asReject();
    }
    return Parsed.ok(new HostPort(ip.value(), port.value()));
  }

  /** ISO 3166-1 alpha-2, upper-cased; blank is absent (null). */
  public static Parsed<String> countryCode(String text) {
    if (text == null || text.isBlank() || text.equals("-")) {
      return Parsed.ok(null);
    }
    String t = text.trim();
    if (t.length() != 2 || !Character.isLetter(t.charAt(0)) || !Character.isLetter(t.charAt(1))
        || t.charAt(0) > 'z' || t.charAt(1) > 'z') {
      return Parsed.reject(RejectReason.INVALID_FIELD_VALUE, "country code is not ISO 3166 alpha-2");
    }
    return Parsed.ok(t.toUpperCase(java.util.Locale.ROOT));
  }
}
