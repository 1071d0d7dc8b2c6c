package io.ippipe.common.publish;

/**
 * The live pool's Redis key design (docs/publish.md). Every version's keys are written once and
 * never changed; the only mutable key is the {@link #current} pointer, so a gateway that reads
 * the pointer and then that version's keys sees one version, never a mix.
 *
 * <pre>
 * {prefix}:current                      STRING  the live version
 * {prefix}:versions                     ZSET    version -> publish time (epoch ms)
 * {prefix}:v:{version}:groups           SET     group names, e.g. US:http:residential
 * {prefix}:v:{version}:group:{group}    ZSET    proxy URL -> score
 * {prefix}:v:{version}:proxy            HASH    proxy URL -> JSON attributes
 * {prefix}:v:{version}:meta             HASH    date, proxies, groups, published_at
 * </pre>
 */
public record PoolKeys(String prefix) {
  public String current() {
    return prefix + ":current";
  }

  public String versions() {
    return prefix + ":versions";
  }

  public String versionPattern(String version) {
    return prefix + ":v:" + version + ":*";
  }

  public String groups(String version) {
    return prefix + ":v:" + version + ":groups";
  }

  public String group(String version, String group) {
    return prefix + ":v:" + version + ":group:" + group;
  }

  public String proxies(String version) {
    return prefix + ":v:" + version + ":proxy";
  }

  public String meta(String version) {
    return prefix + ":v:" + version + ":meta";
  }
}
