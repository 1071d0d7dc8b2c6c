package io.ippipe.common.input;

import java.util.Locale;

/** What kind of address a supplier sells. Output text is the lower-case name. */
public enum ProxyType {
  RESIDENTIAL, DATACENTER, ISP, MOBILE;

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ProxyType fromText(String s) {
    if (s == null) {
      return null;
    }
    try {
      return valueOf(CaseFold.upper(s.trim()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
