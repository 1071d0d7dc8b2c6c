package io.ippipe.common.probe;

import io.ippipe.common.ip.Networks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which supplier owns which endpoints, as the operator declared it (probe.credential_owners):
 * {@code NAME=feed:PATH} for the endpoints listed by the inventory files at or under PATH, and
 * {@code NAME=net:CIDR} for those in a network. A supplier's credentials go only to endpoints it
 * owns: the supplier column of an inventory row is whatever the feed wrote, so any feed (or one
 * hostile line in one) could otherwise claim a supplier and receive its password.
 */
public final class CredentialOwners implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final CredentialOwners NONE = new CredentialOwners(List.of(), List.of());

  private record Feed(String supplier, String prefix) implements Serializable {}

  private record Net(String supplier, Networks networks) implements Serializable {}

  private final List<Feed> feeds;
  private final List<Net> nets;

  private CredentialOwners(List<Feed> feeds, List<Net> nets) {
    this.feeds = List.copyOf(feeds);
    this.nets = List.copyOf(nets);
  }

  /** Parses {@code NAME=feed:PATH, NAME=net:CIDR, ...}; IllegalArgumentException says what is expected. */
  public static CredentialOwners parse(String text) {
    List<Feed> feeds = new ArrayList<>();
    List<Net> nets = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String name = eq > 0 ? p.substring(0, eq).strip() : "";
      String where = eq > 0 ? p.substring(eq + 1).strip() : "";
      if (name.isEmpty() || !(where.startsWith("feed:") || where.startsWith("net:"))) {
        throw new IllegalArgumentException("a list of SUPPLIER=feed:PATH or SUPPLIER=net:CIDR, "
            + "e.g. acme=feed:file:/data/feeds/acme/, acme=net:203.0.113.0/24");
      }
      if (where.startsWith("net:")) {
        nets.add(new Net(name, Networks.parse(where.substring("net:".length()))));
      } else {
        String path = normalise(where.substring("feed:".length()).strip());
        if (path.isEmpty() || path.equals("file:/")) {
          throw new IllegalArgumentException("a feed path for " + name + " (a directory or file "
              + "of that supplier's inventory, not the whole file system)");
        }
        feeds.add(new Feed(name, path));
      }
    }
    return feeds.isEmpty() && nets.isEmpty() ? NONE : new CredentialOwners(feeds, nets);
  }

  /** Paths as ingest records them: a bare absolute path is a local file, file:/// is file:/. */
  private static String normalise(String path) {
    String p = path;
    if (p.startsWith("/")) {
      p = "file:" + p;
    }
    if (p.startsWith("file:///")) {
      p = "file:/" + p.substring("file:///".length());
    }
    return p;
  }

  /** Suppliers that own at least one feed or network. */
  public Set<String> suppliers() {
    Set<String> out = new TreeSet<>();
    feeds.forEach(f -> out.add(f.supplier()));
    nets.forEach(n -> out.add(n.supplier()));
    return out;
  }

  /**
   * The supplier that owns the endpoint at {@code ip} listed in the inventory files
   * {@code listedIn} (every file that listed it, not only the listing ingest kept: a feed whose
   * path sorts first must not take an endpoint from its owner), or null when none does, or when
   * declarations overlap and more than one does: credentials go to an endpoint only when the
   * operator's word about it is unambiguous.
   */
  public String owner(String ip, java.util.Collection<String> listedIn) {
    String found = null;
    for (Feed f : feeds) {
      for (String file : listedIn) {
        if (file != null && within(file, f.prefix())) {
          if (found != null && !found.equals(f.supplier())) {
            return null;
          }
          found = f.supplier();
        }
      }
    }
    for (Net n : nets) {
      if (ip != null && n.networks().contains(ip)) {
        if (found != null && !found.equals(n.supplier())) {
          return null;
        }
        found = n.supplier();
      }
    }
    return found;
  }

  private static boolean within(String file, String prefix) {
    // A path component boundary, so that feed:/feeds/acme does not also own /feeds/acme-evil/.
    return file.equals(prefix)
        || file.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }

  @Override
  public String toString() {
    return "CredentialOwners[" + feeds.size() + " feeds, " + nets.size() + " networks]";
  }
}
