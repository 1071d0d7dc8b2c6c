package io.ippipe.common.probe;

import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The anonymity level of a proxy, from the request headers the judge received through it.
 * transparent: our own address is visible in some header; anonymous: the proxy announces itself
 * (Via, X-Forwarded-For and their kin) without our address; elite: no trace of a proxy at all.
 */
public enum Anonymity {
  TRANSPARENT, ANONYMOUS, ELITE;

  /** Headers by which proxies announce themselves or the client they forward for. */
  static final Set<String> PROXY_HEADERS = Set.of("via", "x-forwarded-for", "forwarded",
      "x-real-ip", "client-ip", "x-client-ip", "x-proxy-id", "x-forwarded-host",
      "x-originating-ip", "proxy-connection");

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param headers header names (any case) to values, as the judge received them
   * @param ownAddresses the checker's own addresses as text (local and as the judge sees it)
   */
  public static Anonymity classify(Map<String, String> headers, Set<String> ownAddresses) {
    Set<IpAddress> own = new HashSet<>();
    for (String text : ownAddresses) {
      IpAddress a = address(text, 0, text.length());
      if (a != null) {
        own.add(a);
      }
    }
    boolean announced = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = h.getValue() == null ? "" : h.getValue();
      if (name.equals("host")) {
        continue;
      }
      if (containsAny(value, own)) {
        return TRANSPARENT;
      }
      announced |= PROXY_HEADERS.contains(name);
    }
    return announced ? ANONYMOUS : ELITE;
  }

  /**
   * Whether any address-like token of {@code value} is one of {@code own}, compared as
   * addresses, not as text: proxies write ours with a port ({@code 198.51.100.7:51234}, RFC
   * 7239's {@code for="[2001:db8::7]:4711"}), IPv4-mapped, or IPv6 in another spelling than
   * ours. As text, each of those passed for anonymous.
   */
  static boolean containsAny(String value, Set<IpAddress> own) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      if (!tokenChar(value.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < n && tokenChar(value.charAt(end))) {
        end++;
      }
      IpAddress a = address(value, i, end);
      if (a != null && own.contains(a)) {
        return true;
      }
      i = end;
    }
    return false;
  }

  /** The address a token stands for: itself, inside brackets, or before a ":port"; or null. */
  private static IpAddress address(String s, int from, int to) {
    if (from < to && s.charAt(from) == '[') {
      int close = indexIn(s, ']', from, to);
      return close < 0 ? null : parsed(s, from + 1, close);
    }
    IpAddress whole = parsed(s, from, to);
    if (whole != null) {
      return whole;
    }
    int colon = indexIn(s, ':', from, to);
    return colon > from && indexIn(s, ':', colon + 1, to) < 0 ? parsed(s, from, colon) : null;
  }

  /** The first {@code c} in [from, to), or -1: a search that stays inside the token. */
  private static int indexIn(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static IpAddress parsed(String s, int from, int to) {
    IpParser parser = new IpParser();
    return from < to && parser.parse(s, from, to)
        ? IpAddress.of(parser.hi(), parser.lo()) : null;
  }

  private static boolean tokenChar(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.'
        || c == ':' || c == '[' || c == ']';
  }
}
