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
 * A {@code supplier.NAME} entry goes only to the endpoints that probe.credential_owners says NAME
 * owns ({@link CredentialOwners}), never to a row that merely names the supplier. Messages name
 * line numbers and keys, never a password; so does {@link #toString()}.
 */
public final class ProxyCredentials implements Serializable {
  private static final long serialVersionUID = 1L;

  public record UserPassword(String user, String password) implements Serializable {
    @Override
    public String toString() {
      return "UserPassword[user=" + user + ", password=***]";
    }
  }

  public static final ProxyCredentials NONE = new ProxyCredentials(Map.of(), Map.of(),
      CredentialOwners.NONE);

  private final Map<String, UserPassword> bySupplier;
  private final Map<String, UserPassword> byEndpoint;
  private final CredentialOwners owners;

  private ProxyCredentials(Map<String, UserPassword> bySupplier,
      Map<String, UserPassword> byEndpoint, CredentialOwners owners) {
    this.bySupplier = bySupplier;
    this.byEndpoint = byEndpoint;
    this.owners = owners;
  }

  /**
   * Parses the credentials; every {@code supplier.NAME} entry needs NAME to own something in
   * {@code owners}, or the run stops naming probe.credential_owners: an entry nobody owns would
   * silently never be used.
   */
  public static ProxyCredentials parse(String text, CredentialOwners owners) {
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
    java.util.TreeSet<String> unowned = new java.util.TreeSet<>(suppliers.keySet());
    unowned.removeAll(owners.suppliers());
    if (!unowned.isEmpty()) {
      throw new ConfigException("probe.credentials has credentials for supplier(s) "
          + String.join(", ", unowned) + ", but probe.credential_owners declares no feed or "
          + "network for them; set e.g. probe.credential_owners=" + unowned.first()
          + "=feed:file:/data/feeds/" + unowned.first() + "/ (or =net:CIDR)");
    }
    return new ProxyCredentials(Map.copyOf(suppliers), Map.copyOf(endpoints), owners);
  }

  /**
   * The endpoint's own entry, else the entry of the supplier that owns it by
   * probe.credential_owners (given every inventory file that listed it), else null. The row's
   * supplier ({@link ProbeTarget#supplier()}) plays no part.
   */
  public UserPassword lookup(ProbeTarget target, java.util.List<String> listedIn) {
    UserPassword own = byEndpoint.get(target.endpoint());
    if (own != null) {
      return own;
    }
    String owner = owners.owner(target.ip(), listedIn);
    return owner == null ? null : bySupplier.get(owner);
  }

  /**
   * The endpoint's own entry, else {@code supplier}'s: for an operator naming the supplier
   * (ippipe ip probe --supplier), never for a name read from data.
   */
  public UserPassword forSupplier(ProbeTarget target, String supplier) {
    UserPassword own = byEndpoint.get(target.endpoint());
    if (own != null) {
      return own;
    }
    return supplier == null ? null : bySupplier.get(supplier);
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
