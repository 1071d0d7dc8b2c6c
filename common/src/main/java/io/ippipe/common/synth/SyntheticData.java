package io.ippipe.common.synth;

import io.ippipe.common.input.Endpoints;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.SpecialPurpose;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic inventories and gateway logs, one simulated day at a time. Every
 * record is a pure function of (seed, day, index), so any partition of the index range can be
 * generated on any executor, in any order, and a retried task writes the same bytes.
 *
 * <p>Proxies: {@code proxies} indexes exist on day 0 (the start of the simulation), and {@link
 * Life} adds new ones every day, delists, kills, degrades, bans and recovers them; {@link
 * #truth} is that hidden state, which only evaluations read. IPv4 addresses come from an {@link
 * AddressSpace} (the routed space, or a fallback of whole /8s).
 *
 * <p>Inventory line indexes of a day: {@code [0, listed)} are the listed proxies, then
 * {@code duplicate_rate * listed} repeats of listed proxies, then {@code malformed_rate *
 * proxies} malformed lines. Every proxy has a fixed Zipf popularity rank; request j picks a
 * listed proxy with probability proportional to {@code rank^-zipf_exponent}, so most proxies
 * carry little traffic every day and a few carry most of it.
 */
public final class SyntheticData implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Parameters; see the {@code generate.*} config keys. */
  public record Params(long seed, long proxies, long requests, double ipv6Share,
      double malformedRate, double duplicateRate, double credentialsRate, int suppliers,
      double zipfExponent, LocalDate date) implements Serializable {}

  /**
   * A generated proxy. username and password are null for most; {@code country} is the country
   * its supplier claims, {@code quality} its base success rate (the day's is in {@link Life}).
   */
  public record Proxy(long index, IpAddress ip, int port, String protocol, String type,
      String supplier, String country, String username, String password, double quality) {}

  /**
   * What a scenario (a test built to need one behaviour) changes of the simulation: a proxy's
   * state on a day, and its popularity. The identity by default.
   */
  public interface Scenario extends Serializable {
    Scenario NONE = new Scenario() {};

    default Life.State state(Proxy proxy, int day, Life.State natural) {
      return natural;
    }

    default double popularity(Proxy proxy, double natural) {
      return natural;
    }
  }

  /** One proxy's hidden truth on the generated day, and the share of the day's traffic it gets. */
  public record Truth(Proxy proxy, Life.State state, double trafficShare, IpAddress exit) {}

  /** A generated request, before it is written in one of the log formats. */
  public record Request(long tsMillis, IpAddress client, Proxy proxy, String resultCode,
      int status, long elapsedMs, long bytes, String method, String target, String user) {}

  private static final String[] COUNTRIES =
      {"US", "US", "US", "DE", "GB", "FR", "BR", "IN", "JP", "NL", "CA", "RU", "ES", "IT", "PL"};
  private static final String[] TYPES = {"residential", "datacenter", "isp", "mobile"};
  /** Share of proxies whose supplier claims another country than geo finds. */
  private static final double WRONG_COUNTRY_SHARE = 0.02;
  private static final double[] TYPE_WEIGHTS = {0.50, 0.25, 0.15, 0.10};
  private static final String[] PROTOCOLS = {"http", "https", "socks4", "socks5"};
  private static final double[] PROTOCOL_WEIGHTS = {0.45, 0.15, 0.10, 0.30};
  private static final String[] HOSTS = {"www.google.com", "api.github.com", "www.amazon.com",
      "shop.example-retail.com", "www.wikipedia.org", "cdn.jsdelivr.net", "www.bing.com",
      "search.yahoo.com", "www.ebay.com", "graph.facebook.com", "www.instagram.com",
      "api.twitter.com", "www.reddit.com", "www.booking.com", "www.linkedin.com"};

  /** Malformed proxy endpoints; each format wraps them in its own syntax. */
  static final String[] BAD_ENDPOINTS = {"256.1.2.3:8080", "010.1.2.3:8080", "0x7f.0.0.1:3128",
      "10.1:80", "1.2.3.4:0", "1.2.3.4:70000", "1.2.3.4", "[2a00:1450:4001::5%eth0]:8080",
      "[2a00:1450:4001::5:8080", "10.0.0.5:3128", "127.0.0.1:8080", "100.64.1.1:1080",
      "198.18.0.1:80", "192.0.2.44:8080", "proxy.example.com:8080", "1.2.3.4:-5", "1.2.3.4:80abc",
      "1.2.3.", "2a00:1450:4001::5:8080", "224.0.0.9:80", "1.2.3.4:99999999999",
      "[fe80::1]:8080", "01.02.03.04:80"};

  private final Params p;
  private final long dayStartMillis;
  private final long permutationInverse;
  private final Life life;
  private final AddressSpace space;
  private final Scenario scenario;
  private final int day;
  // The day's listed proxies (indexes, ascending), the cumulative popularity weight up to and
  // including each (requests draw from it), and each one's state that day.
  private final long[] listed;
  private final double[] cumulativeWeight;
  private final Life.State[] states;

  /** A one-day simulation: the date is day 0, default life, the fallback address space. */
  public SyntheticData(Params params) {
    this(params, params.date(), Life.DEFAULT, AddressSpace.fallback(), Scenario.NONE);
  }

  /**
   * The day {@code params.date()} of a simulation that started on {@code start} (day 0).
   */
  public SyntheticData(Params params, LocalDate start, Life.Rates rates, AddressSpace space,
      Scenario scenario) {
    this.p = params;
    this.dayStartMillis = params.date().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long days = java.time.temporal.ChronoUnit.DAYS.between(start, params.date());
    if (days < 0 || days > 3650) {
      throw new IllegalArgumentException("Invalid simulation day: " + params.date()
          + " is " + days + " days after the start " + start + ", expected 0 to 3650");
    }
    this.day = (int) days;
    this.life = new Life(params.seed(), rates, params.suppliers());
    this.space = space;
    this.scenario = scenario;
    long perm = 2_654_435_761L;
    while (params.proxies() > 0 && gcd(perm, params.proxies()) != 1) {
      perm += 2;
    }
    this.permutationInverse = params.proxies() <= 1 ? 0
        : java.math.BigInteger.valueOf(perm).modInverse(java.math.BigInteger.valueOf(params.proxies()))
            .longValue();
    long indexes = life.indexesBy(day, params.proxies());
    long[] ids = new long[(int) indexes];
    double[] cumulative = new double[ids.length];
    Life.State[] st = new Life.State[ids.length];
    int n = 0;
    double total = 0;
    for (long i = 0; i < indexes; i++) {
      Proxy x = proxy(i);
      Life.State s = stateOf(x, day);
      if (s.listed()) {
        total += scenario.popularity(x, Math.pow(rank(i), -params.zipfExponent()));
        ids[n] = i;
        cumulative[n] = total;
        st[n++] = s;
      }
    }
    this.listed = java.util.Arrays.copyOf(ids, n);
    this.cumulativeWeight = java.util.Arrays.copyOf(cumulative, n);
    this.states = java.util.Arrays.copyOf(st, n);
  }

  /** Requests of the day. */
  public long requests() {
    return p.requests();
  }

  /** The simulation day generated (0 = the start). */
  public int day() {
    return day;
  }

  public long listedProxies() {
    return listed.length;
  }

  /** Proxy indexes that exist by this day: listed, or joined and delisted since. */
  public long proxyIndexes() {
    return life.indexesBy(day, p.proxies());
  }

  public AddressSpace addressSpace() {
    return space;
  }

  private Life.State stateOf(Proxy x, int d) {
    int supplier = Integer.parseInt(x.supplier().substring(x.supplier().lastIndexOf('-') + 1));
    return scenario.state(x, d, life.state(x.index(), p.proxies(), supplier, x.quality(), d));
  }

  /**
   * A proxy's popularity rank (1 = most popular): the day-0 population holds each rank once
   * (a fixed permutation, so popular proxies spread over the inventory); later ones draw theirs.
   */
  long rank(long index) {
    if (index < p.proxies()) {
      return 1 + Math.floorMod(java.math.BigInteger.valueOf(index - p.seed())
          .multiply(java.math.BigInteger.valueOf(permutationInverse))
          .mod(java.math.BigInteger.valueOf(p.proxies())).longValue(), p.proxies());
    }
    return 1 + rng(9, index).nextLong(Math.max(1, p.proxies()));
  }

  public long duplicateLines() {
    return Math.round(listed.length * p.duplicateRate());
  }

  public long malformedInventoryLines() {
    return Math.round(p.proxies() * p.malformedRate());
  }

  public long inventoryLines() {
    return listed.length + duplicateLines() + malformedInventoryLines();
  }

  private SplittableRandom rng(long stream, long index) {
    return new SplittableRandom(mix(p.seed() * 31 + stream) ^ mix(index + 0x9E3779B97F4A7C15L * stream));
  }

  /** The static attributes of proxy {@code index} (the same on every day it exists). */
  public Proxy proxy(long index) {
    SplittableRandom r = rng(1, index);
    String type = pick(TYPES, TYPE_WEIGHTS, r.nextDouble());
    String protocol = pick(PROTOCOLS, PROTOCOL_WEIGHTS, r.nextDouble());
    int port = type.equals("datacenter")
        ? new int[] {3128, 8080, 8000, 1080, 8888}[r.nextInt(5)] : 10000 + r.nextInt(50000);
    String supplier = String.format("supplier-%02d", 1 + r.nextInt(p.suppliers()));
    String country = COUNTRIES[r.nextInt(COUNTRIES.length)];
    IpAddress ip;
    if (r.nextDouble() < p.ipv6Share()) {
      // 2a00::/12 is RIPE global unicast: no special-purpose block inside it.
      long hi = 0x2a00_0000_0000_0000L | (r.nextLong() >>> 12);
      if (space.knowsV6()) {
        int at = r.nextInt(Integer.MAX_VALUE);
        hi = space.v6Prefix(at) | (hi & 0xffffL);
        if (r.nextDouble() >= WRONG_COUNTRY_SHARE) {
          country = space.v6Country(at);
        }
      }
      ip = IpAddress.of(hi, r.nextLong() & 0xffff_ffffL);
    } else {
      // Datacenter proxies sit in hosting networks, the others in access networks, where geo
      // can tell them apart; suppliers mostly claim the country geo finds (a few do not).
      AddressSpace.Pick a = space.pick(r.nextDouble(), space.knowsCountries()
          ? type.equals("datacenter") : null, r::nextDouble);
      ip = IpAddress.ofV4(a.v4());
      if (a.country() != null && r.nextDouble() >= WRONG_COUNTRY_SHARE) {
        country = a.country();
      }
    }
    String user = null;
    String pass = null;
    if (r.nextDouble() < p.credentialsRate()) {
      user = "u" + index;
      pass = Long.toHexString(r.nextLong());
    }
    // Most proxies are healthy; a tail is flaky, and a few barely work at all.
    double u = r.nextDouble();
    double quality = u < 0.80 ? 0.90 + 0.09 * r.nextDouble() : u < 0.95 ? 0.3 + 0.4 * r.nextDouble() : 0.05;
    return new Proxy(index, ip, port, protocol, type, supplier, country, user, pass, quality);
  }

  /** The listed proxy of a day's listing position. */
  public Proxy listedProxy(int position) {
    return proxy(listed[position]);
  }

  /**
   * The truth of proxy {@code index} on this day: its state and its share of the day's traffic
   * (0 unless listed).
   */
  public Truth truth(long index) {
    Proxy x = proxy(index);
    int at = java.util.Arrays.binarySearch(listed, index);
    Life.State s = at >= 0 ? states[at] : stateOf(x, day);
    double share = 0;
    if (at >= 0) {
      double total = cumulativeWeight[cumulativeWeight.length - 1];
      share = (cumulativeWeight[at] - (at == 0 ? 0 : cumulativeWeight[at - 1])) / total;
    }
    return new Truth(x, s, share, exitOf(x, s));
  }

  /** The proxy an inventory line lists, or null for a malformed line. */
  public Proxy inventoryProxy(long line) {
    if (line < listed.length) {
      return proxy(listed[(int) line]);
    }
    if (line < listed.length + duplicateLines()) {
      return proxy(listed[(int) Math.floorMod(mix(p.seed() ^ line), listed.length)]);
    }
    return null;
  }

  public String inventoryLine(long line, InventoryFormat format) {
    Proxy x = inventoryProxy(line);
    if (x == null) {
      return malformedInventoryLine(line, format);
    }
    String hostPort = Endpoints.hostPort(x.ip().toString(), x.port());
    String cred = x.username() == null ? "" : x.username() + ":" + x.password() + "@";
    switch (format) {
      case PLAIN: return hostPort;
      case URL: return x.protocol() + "://" + cred + hostPort;
      case STATUS: {
        String anon = new String[] {"N", "A", "H"}[(int) Math.floorMod(line, 3)];
        return hostPort + " " + x.country() + "-" + anon + (x.protocol().equals("https") ? "-S" : "")
            + " " + (x.quality() > 0.5 ? "+" : "-");
      }
      case CSV: return String.join(",", x.ip().toString(), Integer.toString(x.port()), x.protocol(),
          x.type(), x.supplier(), x.country(), nz(x.username()), nz(x.password()));
      case JSONL: return "{\"ip\":\"" + x.ip() + "\",\"port\":" + x.port() + ",\"protocol\":\""
          + x.protocol() + "\",\"proxy_type\":\"" + x.type() + "\",\"supplier\":\"" + x.supplier()
          + "\",\"country\":\"" + x.country() + "\",\"username\":" + jsonString(x.username())
          + ",\"password\":" + jsonString(x.password()) + "}";
      default: throw new IllegalArgumentException("No text lines for " + format);
    }
  }

  public static final String CSV_HEADER =
      "ip,port,protocol,proxy_type,supplier,country,username,password";

  String malformedInventoryLine(long line, InventoryFormat format) {
    SplittableRandom r = rng(2, line);
    int kind = r.nextInt(BAD_ENDPOINTS.length + 4);
    if (kind >= BAD_ENDPOINTS.length) {
      // Kinds that break the record's structure rather than a field.
      switch (kind - BAD_ENDPOINTS.length) {
        case 0: return "\u0000\u0001binary\u0002junk\u0000";
        case 1: return format == InventoryFormat.JSONL ? "{\"ip\": 123, \"port\": \"x\"}"
            : format == InventoryFormat.CSV ? "\"1.2.3.4,8080,http" : "just some words";
        case 2: return format == InventoryFormat.URL ? "http://" : "   ";
        default: return format == InventoryFormat.JSONL ? "{\"ip\":\"1.2.3.4\",\"port\":80" : "1.2.3.4:80:90";
      }
    }
    String bad = BAD_ENDPOINTS[kind];
    switch (format) {
      case PLAIN: return bad;
      case URL: return (kind % 3 == 0 ? "ftp" : "socks5") + "://" + bad;
      case STATUS: return bad + " US-N +";
      case CSV: {
        String[] hp = splitBad(bad);
        return hp[0] + "," + hp[1] + ",http,residential,supplier-01,US,,";
      }
      case JSONL: {
        String[] hp = splitBad(bad);
        boolean numeric = hp[1].matches("-?\\d{1,18}");
        return "{\"ip\":\"" + hp[0] + "\",\"port\":" + (numeric ? hp[1] : jsonString(hp[1])) + "}";
      }
      default: throw new IllegalArgumentException("No text lines for " + format);
    }
  }

  /**
   * Splits a bad endpoint into (host, port) fields the way a supplier's export would hold it:
   * "[v6]:port" loses its brackets; unbracketed IPv6-with-port text (ambiguous in host:port
   * formats, but a valid address on its own) gets a second "::" so the field stays malformed.
   */
  private static String[] splitBad(String bad) {
    int colon = bad.lastIndexOf(':');
    if (bad.startsWith("[") && bad.contains("]:")) {
      return new String[] {bad.substring(1, bad.indexOf(']')), bad.substring(bad.indexOf("]:") + 2)};
    }
    if (colon < 0) {
      return new String[] {bad, ""};
    }
    if (bad.indexOf(':') != colon) {
      return new String[] {bad + "::", "8080"};
    }
    return new String[] {bad.substring(0, colon), bad.substring(colon + 1)};
  }

  public boolean isMalformedRequest(long j) {
    return rng(dayStream(3), j).nextDouble() < p.malformedRate();
  }

  /** Each day draws its requests from streams of its own (day 0 keeps the first ones). */
  private long dayStream(long stream) {
    return stream + 1000L * day;
  }

  /** The listing position of the proxy a request at {@code u} in [0, 1) goes to. */
  int listedPositionAt(double u) {
    double target = u * cumulativeWeight[cumulativeWeight.length - 1];
    int i = java.util.Arrays.binarySearch(cumulativeWeight, target);
    i = i < 0 ? -i - 1 : i + 1;
    return Math.min(i, listed.length - 1);
  }

  /**
   * A successful exchange's time through a proxy of this type: log-normal, datacenter proxies
   * faster than the rest. One draw from {@code r}. Requests and simulated checks share it.
   */
  static long latencyMs(String proxyType, SplittableRandom r) {
    double mu = proxyType.equals("datacenter") ? 5.0 : 6.2;
    return Math.max(1, Math.round(Math.exp(mu + 0.6 * r.nextGaussian())));
  }

  public Request request(long j) {
    SplittableRandom r = rng(dayStream(4), j);
    int at = listedPositionAt(r.nextDouble());
    Proxy proxy = proxy(listed[at]);
    Life.State state = states[at];
    long clients = Math.max(100, p.requests() / 500);
    long clientId = r.nextLong(clients);
    IpAddress client = clientAddress(clientId);
    long ts = dayStartMillis + r.nextLong(86_400_000L);
    long elapsed = latencyMs(proxy.type(), r);
    String result = "TCP_MISS";
    int status = 200;
    double u = r.nextDouble();
    double f = r.nextDouble();
    double b = r.nextDouble();
    if (state.banned() && b < life.rates().banShare()) {
      // Targets refuse a banned proxy's requests whatever its health.
      result = f < 0.5 ? "TCP_DENIED" : "TCP_MISS";
      status = f < 0.5 ? 403 : 429;
    } else if (state.dead() || state.outage()) {
      status = f < 0.7 ? 0 : 504;
      elapsed = status == 0 ? 30_000 + r.nextInt(30_000) : 60_000;
    } else if (u > state.service()) {
      if (f < 0.30) {
        status = 0;
        elapsed = 30_000 + r.nextInt(30_000);
      } else if (f < 0.45) {
        status = 504;
        elapsed = 60_000;
      } else if (f < 0.60) {
        result = "TCP_DENIED";
        status = 403;
      } else if (f < 0.70) {
        result = "TCP_DENIED";
        status = 407;
      } else if (f < 0.85) {
        status = 429;
      } else {
        status = f < 0.93 ? 502 : 503;
      }
    }
    long bytes = status == 200 ? Math.round(Math.exp(9.0 + 1.2 * r.nextGaussian())) : status == 0 ? 0 : 300 + r.nextInt(900);
    String host = HOSTS[(int) Math.floorMod(clientId * 7 + r.nextInt(4), HOSTS.length)];
    boolean connect = r.nextDouble() < 0.7;
    String method = connect ? "CONNECT" : (r.nextDouble() < 0.9 ? "GET" : "POST");
    String target = connect ? host + ":443" : "http://" + host + "/p/" + r.nextInt(10_000);
    String user = "cust" + (clientId % 97);
    return new Request(ts, client, proxy, result, status, elapsed, bytes, method, target, user);
  }

  /**
   * The exit address the gateway observed for a request: the listed address, except for one
   * proxy in 20 that exits from its neighbour (a misrouted or rotating endpoint) and a proxy
   * whose exit changed (Life), which exits from further away. Only successful requests observe
   * one. A function of the proxy and its day: no draw from the request's stream.
   */
  public IpAddress exitIp(Request q) {
    if (q.status() != 200) {
      return null;
    }
    int at = java.util.Arrays.binarySearch(listed, q.proxy().index());
    return exitOf(q.proxy(), at >= 0 ? states[at] : null);
  }

  private static IpAddress exitOf(Proxy x, Life.State s) {
    IpAddress ip = x.ip();
    long shift = s == null ? 0 : s.exitChanges() * 0x100L;
    boolean elsewhere = Math.floorMod((ip.lo() * 0x9E37_79B9_7F4A_7C15L) >>> 40, 20) == 0;
    long lo = ip.lo() ^ (elsewhere ? 1 : 0) ^ shift;
    return lo == ip.lo() ? ip : new IpAddress(ip.hi(), lo, ip.version());
  }

  private IpAddress clientAddress(long clientId) {
    SplittableRandom r = rng(5, clientId);
    double u = r.nextDouble();
    if (u < 0.10) {
      return IpAddress.of(0x2a02_0000_0000_0000L | (r.nextLong() >>> 16), r.nextLong());
    }
    if (u < 0.15) {
      return IpAddress.ofV4((10L << 24) | r.nextInt(1 << 24));
    }
    long v4;
    do {
      v4 = r.nextLong(1L << 32);
    } while (!SpecialPurpose.classify(IpAddress.ofV4(v4)).globallyReachable());
    return IpAddress.ofV4(v4);
  }

  public String requestLine(long j, LogFormat format) {
    if (isMalformedRequest(j)) {
      return malformedRequestLine(j, format);
    }
    Request q = request(j);
    switch (format) {
      case SQUID: return String.format("%d.%03d %6d %s %s/%03d %d %s %s %s HIER_DIRECT/%s %s",
          q.tsMillis() / 1000, q.tsMillis() % 1000, q.elapsedMs(), q.client(), q.resultCode(),
          q.status(), q.bytes(), q.method(), q.target(), q.user(), q.proxy().ip(),
          q.method().equals("CONNECT") ? "-" : "text/html");
      case CLF: {
        String time = java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH)
            .format(java.time.Instant.ofEpochMilli(q.tsMillis()).atOffset(ZoneOffset.UTC));
        String upstream = Endpoints.hostPort(q.proxy().ip().toString(), q.proxy().port());
        return String.format("%s - %s [%s] \"%s %s HTTP/1.1\" %03d %d \"-\" \"ippipe-synth/1.0\" \"%s\"",
            q.client(), q.user(), time, q.method(), q.target(), q.status(), q.bytes(), upstream);
      }
      case JSONL: return String.format("{\"ts\":%d.%03d,\"client_ip\":\"%s\",\"proxy_ip\":\"%s\","
              + "\"proxy_port\":%d,\"result_code\":\"%s\",\"status\":%d,\"elapsed_ms\":%d,\"bytes\":%d,"
              + "\"method\":\"%s\",\"target_host\":\"%s\",\"authenticated\":true%s}",
          q.tsMillis() / 1000, q.tsMillis() % 1000, q.client(), q.proxy().ip(), q.proxy().port(),
          q.resultCode(), q.status(), q.elapsedMs(), q.bytes(), q.method(),
          LogParser.targetHost(q.method(), q.target()),
          exitIp(q) == null ? "" : ",\"exit_ip\":\"" + exitIp(q) + "\"");
      default: throw new IllegalArgumentException("No text lines for " + format);
    }
  }

  String malformedRequestLine(long j, LogFormat format) {
    SplittableRandom r = rng(dayStream(6), j);
    String good = requestLine(j + p.requests() * 7 + 1, format);
    switch (r.nextInt(10)) {
      case 0: return good.substring(0, good.length() / 2);
      case 1: return "\u0000\u0000\u0007garbage\u0000";
      case 2: return format == LogFormat.SQUID ? good.replaceFirst("^(\\S+\\s+\\S+\\s+)\\S+", "$1300.1.2.3")
          : format == LogFormat.CLF ? good.replaceFirst("^\\S+", "300.1.2.3")
          : good.replaceFirst("\"client_ip\":\"[^\"]*\"", "\"client_ip\":\"300.1.2.3\"");
      case 3: return format == LogFormat.SQUID ? good.replaceFirst("/\\d{3} ", "/2x0 ")
          : format == LogFormat.CLF ? good.replaceFirst("\" \\d{3} ", "\" 2x0 ")
          : good.replace("\"status\":", "\"status\":\"x\",\"was\":");
      case 4: return format == LogFormat.JSONL ? "{\"ts\": \"yesterday\", \"client_ip\": \"1.2.3.4\", \"status\": 200}"
          : format == LogFormat.SQUID ? good.replaceFirst("^\\d+\\.\\d+", "yesterday")
          : good.replaceFirst("\\[[^\\]]+\\]", "[32/Foo/2026:99:00:00 +0000]");
      case 5: return format == LogFormat.JSONL ? "{\"ts\": 1.7e9, \"client_ip\": [1,2], \"status\": 200}"
          : good.replaceFirst("^\\S+", "localhost");
      case 6: return format == LogFormat.SQUID ? good + " extra field" : format == LogFormat.JSONL ? "[1,2,3]" : "not a log line at all";
      case 7: return format == LogFormat.JSONL ? "{\"ts\": 1764000000, \"client_ip\": \"1.2.3.4\", \"status\": 200, \"bytes\": -5}"
          : format == LogFormat.SQUID ? good.replaceFirst("(/\\d{3}) \\d+", "$1 -5")
          : good.replaceFirst("\" (\\d{3}) \\d+", "\" $1 -5");
      case 8: return "Unmatched! The rat the cat the dog chased killed ate the malt!";
      default: return format == LogFormat.JSONL ? "{\"ts\": 99999999999, \"client_ip\": \"1.2.3.4\", \"status\": 200}"
          : format == LogFormat.SQUID ? good.replaceFirst("^\\d+", "99999999999") : good.replaceFirst("^\\S+", "2001:db8:2ce:1");
    }
  }

  private static String pick(String[] values, double[] weights, double u) {
    double acc = 0;
    for (int i = 0; i < values.length; i++) {
      acc += weights[i];
      if (u < acc) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String jsonString(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
