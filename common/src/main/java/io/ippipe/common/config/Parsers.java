package io.ippipe.common.config;

import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.ProxyProtocol;

/** Value parsers for {@link Keys}; each message says what is expected. */
final class Parsers {
  private Parsers() {}

  static ConfigKey.Parser<Double> fraction() {
    return doubleRange(0.0, 1.0);
  }

  static ConfigKey.Parser<Double> doubleRange(double min, double max) {
    return s -> {
      double v;
      try {
        v = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a number from " + min + " to " + max);
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException("a number from " + min + " to " + max);
      }
      return v;
    };
  }

  static ConfigKey.Parser<Integer> intRange(int min, int max) {
    return s -> {
      try {
        int v = Integer.parseInt(s.trim().replace("_", ""));
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
      throw new IllegalArgumentException("a whole number from " + min + " to " + max);
    };
  }

  static ConfigKey.Parser<Long> longRange(long min, long max) {
    return s -> {
      try {
        long v = Long.parseLong(s.trim().replace("_", ""));
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
      throw new IllegalArgumentException("a whole number from " + min + " to " + max);
    };
  }

  static ConfigKey.Parser<ProxyProtocol> protocol() {
    return s -> {
      ProxyProtocol p = ProxyProtocol.fromText(s);
      if (p == null) {
        throw new IllegalArgumentException("one of http, https, socks4, socks5");
      }
      return p;
    };
  }

  static ConfigKey.Parser<InventoryFormat> inventoryFormat() {
    return s -> {
      try {
        return InventoryFormat.fromOption(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("one of auto, plain, url, status, csv, jsonl, parquet");
      }
    };
  }

  static ConfigKey.Parser<LogFormat> logFormat() {
    return s -> {
      try {
        return LogFormat.fromOption(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("one of auto, squid, clf, jsonl, parquet");
      }
    };
  }

  static ConfigKey.Parser<String> text() {
    return s -> s.strip();
  }

  static ConfigKey.Parser<String> choice(String... allowed) {
    return s -> {
      String v = s.strip().toLowerCase(java.util.Locale.ROOT);
      for (String a : allowed) {
        if (a.equals(v)) {
          return v;
        }
      }
      throw new IllegalArgumentException("one of " + String.join(", ", allowed));
    };
  }

  static ConfigKey.Parser<java.util.List<io.ippipe.common.crypto.KeySources.Spec>> keySpecs() {
    return io.ippipe.common.crypto.KeySources::parse;
  }


  static ConfigKey.Parser<java.util.List<io.ippipe.common.geo.GeoCatalog.Spec>> geoSources() {
    return io.ippipe.common.geo.GeoCatalog::parseSpecs;
  }

  static ConfigKey.Parser<io.ippipe.common.crypto.Scheme> scheme() {
    return text -> {
      try {
        return io.ippipe.common.crypto.Scheme.fromId(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("one of " + io.ippipe.common.crypto.Scheme.ids());
      }
    };
  }

  static ConfigKey.Parser<io.ippipe.common.ip.Networks> networks() {
    return io.ippipe.common.ip.Networks::parse;
  }

  static ConfigKey.Parser<io.ippipe.common.probe.CredentialOwners> credentialOwners() {
    return io.ippipe.common.probe.CredentialOwners::parse;
  }
}
