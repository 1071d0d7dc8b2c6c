package io.ippipe.common.probe;

import io.ippipe.common.error.ConfigException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Supplier proxy credentials, from the file or variable probe.credentials points to (read with
 * {@link io.ippipe.common.config.Secrets}: owner-only file or environment variable). One entry
 * per line, {@code #} comments:
 * <pre>
 * supplier.acme = user:password          # every endpoint of supplier "acme"
 * endpoint.203.0.113.5:8080 = user:pass  # one endpoint; wins over its supplier's entry
 * </pre>
 * Messages name line numbers and keys, never a password; so does {@link #toString()}.
 */
public final class ProxyCredentials implements Serializable {
  private static final long serialVersionUID = 1L;

  public record UserPassword(String user, String password) implements Serializable {
    @Override
    public String toString() {
      return "UserPassword[user=" + user + ", password=***]";
    }
  }

  public static final ProxyCredentials NONE = new ProxyCredentials(Map.of(), Map.of());

  private final Map<String, UserPassword> bySupplier;
  private final Map<String, UserPassword> byEndpoint;

  private ProxyCredentials(Map<String, UserPassword> bySupplier,
      Map<String, UserPassword> byEndpoint) {
    this.bySupplier = bySupplier;
    this.byEndpoint = byEndpoint;
  }

  public static ProxyCredentials parse(String text) {
    Map<String, UserPassword> suppliers = new HashMap<>();
    Map<String, UserPassword> endpoints = new HashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = "probe.credentials line " + (i + 1);
      if (eq < 0) {
        throw new ConfigException(where + ": expected supplier.NAME = user:password or "
            + "endpoint.IP:PORT = user:password");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      int colon = value.indexOf(':');
      if (colon <= 0) {
        throw new ConfigException(where + " (" + key + "): the value must be user:password");
      }
      UserPassword up = new UserPassword(value.substring(0, colon), value.substring(colon + 1));
      if (key.startsWith("supplier.") && key.length() > "supplier.".length()) {
        suppliers.put(key.substring("supplier.".length()), up);
      } else if (key.startsWith("endpoint.") && key.length() > "endpoint.".length()) {
        endpoints.put(key.substring("endpoint.".length()), up);
      } else {
        throw new ConfigException(where + ": key '" + key
            + "' must start with supplier. or endpoint.");
      }
    }
    return new ProxyCredentials(Map.copyOf(suppliers), Map.copyOf(endpoints));
  }

  /** The endpoint's own entry, else its supplier's, else null. */
  public UserPassword lookup(ProbeTarget target) {
    UserPassword own = byEndpoint.get(target.endpoint());
    if (own != null) {
      return own;
    }
    return target.supplier() == null ? null : bySupplier.get(target.supplier());
  }

  public int size() {
    return bySupplier.size() + byEndpoint.size();
  }

  @Override
  public String toString() {
    return "ProxyCredentials[" + bySupplier.size() + " suppliers, " + byEndpoint.size()
        + " endpoints]";
  }
}
