package io.ippipe.common.probe;

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
    boolean announced = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = h.getValue() == null ? "" : h.getValue();
      if (name.equals("host")) {
        continue;
      }
      for (String own : ownAddresses) {
        if (containsAddress(value, own)) {
          return TRANSPARENT;
        }
      }
      announced |= PROXY_HEADERS.contains(name);
    }
    return announced ? ANONYMOUS : ELITE;
  }

  /** {@code own} as a whole token of {@code value}: 10.0.0.1 is not inside 10.0.0.12. */
  static boolean containsAddress(String value, String own) {
    int from = 0;
    while (true) {
      int i = value.indexOf(own, from);
      if (i < 0) {
        return false;
      }
      int end = i + own.length();
      boolean startOk = i == 0 || !isAddressChar(value.charAt(i - 1));
      boolean endOk = end == value.length() || !isAddressChar(value.charAt(end));
      if (startOk && endOk) {
        return true;
      }
      from = i + 1;
    }
  }

  private static boolean isAddressChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == ':';
  }
}
