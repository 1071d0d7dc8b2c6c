package io.ippipe.jobs.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.config.Secrets;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.publish.PoolEntry;
import io.ippipe.common.publish.PoolKeys;
import java.net.URI;
import java.net.URISyntaxException;
import io.ippipe.jobs.run.Faults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The live pool in Redis, laid out as {@link PoolKeys} describes: each version is built under
 * its own keys with pipelined writes, checked, and then made live by flipping the
 * {@code current} pointer inside MULTI/EXEC. Nothing a gateway may be reading is ever modified.
 *
 * <p>Writes go from the driver: the pool is bounded by the per-group caps (thousands to a few
 * hundred thousand proxies, seconds of pipelined writes), and the password stays on the driver.
 */
public final class RedisPoolStore implements PoolStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int BATCH = 1000;

  private final Jedis jedis;
  private final PoolKeys keys;
  private final int keepVersions;
  private final String where;

  private RedisPoolStore(Jedis jedis, PoolKeys keys, int keepVersions, String where) {
    this.jedis = jedis;
    this.keys = keys;
    this.keepVersions = keepVersions;
    this.where = where;
  }

  /**
   * How to reach and authenticate to the store: publish.redis.url, .user, the password read from
   * publish.redis.password, .tls.ca_file and .allow_plaintext_auth.
   */
  public record Connection(String url, String user, String password, String caFile,
      boolean allowPlaintextAuth) {
    /** No user, password or CA file: a store without AUTH, as tests and gateways on loopback use. */
    public static Connection open(String url) {
      return new Connection(url, "", null, "", false);
    }

    @Override
    public String toString() {
      return "Connection[" + Keys.urlShown(url) + ", user=" + user + ", password="
          + (password == null ? "none" : "****") + ", caFile=" + caFile + "]";
    }
  }

  /**
   * The store publish.redis.* configures, connected, or null when publish.redis.url is empty. The
   * password is read from publish.redis.password (env: or file:), never taken from the URL, and
   * only once the settings around it are known to be safe to send it with.
   */
  public static RedisPoolStore fromConfig(PipelineConfig config) {
    String url = config.get(Keys.PUBLISH_REDIS_URL);
    if (url.isEmpty()) {
      return null;
    }
    String passwordSpec = config.get(Keys.PUBLISH_REDIS_PASSWORD);
    Connection settings = new Connection(url, config.get(Keys.PUBLISH_REDIS_USER),
        passwordSpec.isEmpty() ? null : "", config.get(Keys.PUBLISH_REDIS_CA_FILE),
        config.get(Keys.PUBLISH_REDIS_ALLOW_PLAINTEXT_AUTH).equals("true"));
    parse(settings);
    String password = passwordSpec.isEmpty() ? null
        : Secrets.read(Keys.PUBLISH_REDIS_PASSWORD.name(), passwordSpec);
    return connect(new Connection(settings.url(), settings.user(), password, settings.caFile(),
        settings.allowPlaintextAuth()), config.get(Keys.PUBLISH_REDIS_PREFIX),
        config.get(Keys.PUBLISH_KEEP_VERSIONS));
  }

  /** A store without AUTH; see {@link #connect(Connection, String, int)}. */
  public static RedisPoolStore connect(String url, String prefix, int keepVersions) {
    return connect(Connection.open(url), prefix, keepVersions);
  }

  /** publish.redis.url taken apart, after every check that needs no network. */
  private record Target(URI uri, String host, int port, int db, boolean tls, String where) {}

  /**
   * Checks the URL and what goes with it. A password (or an ACL user, which needs one) over
   * plain redis:// is refused unless publish.redis.allow_plaintext_auth=true: anyone on the path
   * would read it. A CA file with plain redis:// would be silently unused, so it is refused too.
   */
  private static Target parse(Connection c) {
    String url = c.url();
    URI uri;
    // Messages show the URL with its user info masked: it may carry a password.
    String shown = Keys.urlShown(url);
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("publish.redis.url '" + shown + "' is not a URL: use redis://host:port/db");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ConfigException("publish.redis.url '" + shown + "' must be redis://host:port/db or rediss://...");
    }
    if (uri.getUserInfo() != null) {
      throw new ConfigException("publish.redis.url must not carry credentials; set "
          + "publish.redis.password to env:VAR or file:PATH");
    }
    int db = 0;
    String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
    if (!path.isEmpty()) {
      try {
        db = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw new ConfigException("publish.redis.url '" + shown + "': database '" + path + "' is not a number");
      }
    }
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    String where = uri.getScheme() + "://" + uri.getHost() + ":" + port + "/" + db;
    boolean tls = "rediss".equals(uri.getScheme());
    if (!c.user().isEmpty() && c.password() == null) {
      throw new ConfigException("publish.redis.user is set (" + c.user() + ") but "
          + "publish.redis.password is not: an ACL user authenticates with a password");
    }
    if (!tls && c.password() != null && !c.allowPlaintextAuth()) {
      throw new ConfigException("publish.redis.password would be sent in clear over "
          + where + ", where anyone on the path can read it: use a rediss:// URL (TLS), or "
          + "set publish.redis.allow_plaintext_auth=true to accept that");
    }
    if (!tls && !c.caFile().isEmpty()) {
      throw new ConfigException("publish.redis.tls.ca_file is set but publish.redis.url '"
          + shown + "' is not rediss://: the CA file would be unused; use rediss://");
    }
    return new Target(uri, uri.getHost(), port, db, tls, where);
  }

  /**
   * Connects and PINGs, so that a wrong URL, password, certificate or an unreachable server
   * fails before any data is read. Over rediss:// the server's certificate must chain to
   * publish.redis.tls.ca_file (else the JVM's trust store) and name the URL's host.
   */
  public static RedisPoolStore connect(Connection c, String prefix, int keepVersions) {
    Target t = parse(c);
    String where = t.where();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .database(t.db()).ssl(t.tls()).timeoutMillis(10_000)
        .clientName("ippipe-publish");
    if (t.tls()) {
      config.sslSocketFactory(trusting(c.caFile()).getSocketFactory());
      // Jedis checks no host name by itself: a certificate any CA issued to anyone would do.
      javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      config.sslParameters(params);
    }
    if (c.password() != null && !c.password().isEmpty()) {
      config.password(c.password());
      if (!c.user().isEmpty()) {
        config.user(c.user());
      }
    }
    Jedis jedis = null;
    try {
      // Jedis connects (and authenticates) in its constructor.
      jedis = new Jedis(new HostAndPort(t.host(), t.port()), config.build());
      jedis.ping();
    } catch (RuntimeException e) {
      if (jedis != null) {
        jedis.close();
      }
      throw new ConfigException("Cannot reach the live pool store at " + where + ": "
          + rootMessage(e) + " (publish.redis.url, publish.redis.user, publish.redis.password"
          + (t.tls() ? ", publish.redis.tls.ca_file" : "") + ")");
    }
    return new RedisPoolStore(jedis, new PoolKeys(prefix), keepVersions, where);
  }

  /**
   * A TLS context that trusts the certificates of {@code caFile} (PEM, or a PKCS12/JKS trust
   * store without password), or the JVM's default trust store when it is empty.
   */
  static javax.net.ssl.SSLContext trusting(String caFile) {
    try {
      java.security.KeyStore store = null;
      if (!caFile.isEmpty()) {
        java.nio.file.Path file = java.nio.file.Path.of(caFile);
        byte[] bytes;
        try {
          bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
          throw new ConfigException("Cannot read publish.redis.tls.ca_file " + caFile + ": "
              + e.getClass().getSimpleName());
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN")) {
          store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
          store.load(null, null);
          int n = 0;
          for (java.security.cert.Certificate cert : java.security.cert.CertificateFactory
              .getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
            store.setCertificateEntry("ca-" + n++, cert);
          }
          if (n == 0) {
            throw new ConfigException("publish.redis.tls.ca_file " + caFile
                + " holds no certificate");
          }
        } else {
          try {
            store = java.security.KeyStore.getInstance(file.toFile(), (char[]) null);
          } catch (java.io.IOException | java.security.KeyStoreException e) {
            throw new ConfigException("publish.redis.tls.ca_file " + caFile + " is neither PEM "
                + "certificates nor a PKCS12/JKS trust store: " + e.getMessage());
          }
        }
      }
      javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (java.security.GeneralSecurityException | java.io.IOException e) {
      throw new ConfigException("Cannot use publish.redis.tls.ca_file " + caFile + ": "
          + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public String currentVersion() {
    return jedis.get(keys.current());
  }

  @Override
  public boolean publish(String version, String date, Iterator<PoolEntry> entries) throws Exception {
    if (version.equals(currentVersion())) {
      return false;
    }
    // Leftovers of an attempt that died before its flip: never live, safe to drop.
    deleteVersion(version);
    Pipeline p = jedis.pipelined();
    Set<String> groups = new HashSet<>();
    long count = 0;
    while (entries.hasNext()) {
      PoolEntry e = entries.next();
      p.zadd(keys.group(version, e.group()), e.score(), e.member());
      Map<String, Object> attrs = new LinkedHashMap<>(e.attributes());
      attrs.put("group", e.group());
      attrs.put("score", e.score());
      p.hset(keys.proxies(version), e.member(), JSON.writeValueAsString(attrs));
      if (groups.add(e.group())) {
        p.sadd(keys.groups(version), e.group());
      }
      if (++count % BATCH == 0) {
        p.sync();
        Faults.hit("publish.redis.batch-written", version);
      }
    }
    Map<String, String> meta = new HashMap<>();
    meta.put("date", date);
    meta.put("proxies", Long.toString(count));
    meta.put("groups", Integer.toString(groups.size()));
    meta.put("published_at", java.time.Instant.now().toString());
    p.hset(keys.meta(version), meta);
    p.sync();
    Faults.hit("publish.redis.written", version);

    long inGroups = 0;
    for (String g : groups) {
      inGroups += jedis.zcard(keys.group(version, g));
    }
    long inHash = jedis.hlen(keys.proxies(version));
    if (inGroups != count || inHash != count) {
      throw new IllegalStateException("Pool version " + version + " is incomplete in Redis: wrote "
          + count + " proxies, found " + inGroups + " in groups and " + inHash + " in the hash; "
          + "the live pool was not changed");
    }
    Faults.hit("publish.redis.checked", version);
    Transaction t = jedis.multi();
    t.set(keys.current(), version);
    t.zadd(keys.versions(), System.currentTimeMillis(), version);
    t.exec();
    Faults.hit("publish.redis.flipped", version);
    retireOldVersions(version);
    return true;
  }

  /** Keeps the newest {@code keepVersions} versions (the live one always) and deletes the rest. */
  private void retireOldVersions(String live) {
    List<String> byAge = jedis.zrange(keys.versions(), 0, -1);
    int excess = byAge.size() - keepVersions;
    for (String v : byAge) {
      if (excess <= 0) {
        break;
      }
      if (!v.equals(live)) {
        deleteVersion(v);
        jedis.zrem(keys.versions(), v);
        excess--;
      }
    }
  }

  /**
   * Deletes a version's keys, its meta key first: a reader that finds the meta key after its
   * reads knows that no key it read had been deleted yet (the gateway protocol relies on this).
   */
  private void deleteVersion(String version) {
    jedis.unlink(keys.meta(version));
    ScanParams match = new ScanParams().match(keys.versionPattern(version)).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, match);
      if (!page.getResult().isEmpty()) {
        jedis.unlink(page.getResult().toArray(new String[0]));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  /** The live pool as a gateway reads it (docs/publish.md): pointer, then that version's keys. */
  public record Snapshot(String version, Map<String, Map<String, Double>> groups) {}

  /**
   * Reads the live pool following the gateway protocol: read {@code current}, read that version's
   * keys, then check that the version still exists; if retention removed it meanwhile, read again.
   */
  public Snapshot readLive() {
    for (int attempt = 0; attempt < 10; attempt++) {
      String version = currentVersion();
      if (version == null) {
        return new Snapshot(null, Map.of());
      }
      Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
      for (String g : new ArrayList<>(jedis.smembers(keys.groups(version)))) {
        Map<String, Double> members = new LinkedHashMap<>();
        for (Tuple t : jedis.zrangeWithScores(keys.group(version, g), 0, -1)) {
          members.put(t.getElement(), t.getScore());
        }
        groups.put(g, members);
      }
      if (jedis.exists(keys.meta(version))) {
        return new Snapshot(version, groups);
      }
    }
    throw new IllegalStateException("The live pool kept changing while being read");
  }

  @Override
  public String describe() {
    return where + " (prefix " + keys.prefix() + ")";
  }

  @Override
  public void close() {
    jedis.close();
  }
}
