package io.ippipe.common.input;

import java.util.Locale;

/** The proxy protocols ippipe validates and probes. Output text is the lower-case name. */
public enum ProxyProtocol {
  HTTP, HTTPS, SOCKS4, SOCKS5;

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Case-insensitive; returns null for anything else. */
  public static ProxyProtocol fromText(String s) {
    if (s == null) {
      return null;
    }
    switch (CaseFold.lower(s.trim())) {
      case "http": return HTTP;
      case "https": return HTTPS;
      case "socks4": return SOCKS4;
      case "socks5": return SOCKS5;
      default: return null;
    }
  }
}
