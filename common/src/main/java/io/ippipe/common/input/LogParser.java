package io.ippipe.common.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.SpecialPurpose;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses gateway log records. One instance per task (it reuses an {@link IpParser}).
 *
 * <p>Squid native: the proxy that served a request is the hierarchy peer ({@code HIER/peer}) and
 * the client is {@code remotehost}. CLF/Combined: the client is the first field; an optional
 * last quoted field is the upstream {@code "ip:port"} (nginx {@code $upstream_addr}), which is
 * the proxy; anything else there ("-", a host name) leaves the proxy unknown.
 */
public final class LogParser {
  /** Timestamps before 1995 or after 2100 are typos or garbage, not proxy traffic. */
  static final long MIN_EPOCH_SECONDS = 788_918_400L;
  static final long MAX_EPOCH_SECONDS = 4_102_444_800L;

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  static final String[] TS_FIELDS = {"ts", "timestamp"};
  static final String[] CLIENT_FIELDS = {"client_ip", "client"};
  static final String[] TEXT_FIELDS = {"method", "target_host", "result_code", "hierarchy_code"};

  /** Every field name the structured formats read, for selecting columns from Parquet input. */
  public static final List<String> FIELDS = List.of("ts", "timestamp", "client_ip", "client",
      "proxy_ip", "proxy_port", "status", "result_code", "hierarchy_code", "elapsed_ms", "bytes",
      "method", "target_host", "authenticated", "exit_ip");

  /** Whether a field can hold the client address, which every log record needs. */
  public static boolean isAddressField(String name) {
    return Arrays.asList(CLIENT_FIELDS).contains(name);
  }

  private final IpParser ipParser = new IpParser();
  /** A log record is one flat object: a few dozen nodes; a line may cost no more than this. */
  private final JsonLines trees = new JsonLines(10_000);

  public Parsed<GatewayRequest> parseLine(String line, LogFormat format) {
    if (line.isBlank()) {
      return Parsed.reject(RejectReason.BLANK_LINE, null);
    }
    switch (format) {
      case SQUID: return parseSquid(line);
      case CLF: return parseClf(line);
      case JSONL: return parseJson(line);
      default: throw new IllegalArgumentException("Cannot parse " + format + " as text lines");
    }
  }

  /** Squid native has 10 fields; one more is read to tell a longer custom layout. */
  private static final int SQUID_FIELDS = 10;

  /** ASCII white space, as {@code \\s} matches it. */
  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  /**
   * The line's fields split on runs of white space (after {@link String#strip}): the first
   * {@code max} of them, and how many there are in all. Hand-written: Squid lines are the
   * pipeline's hottest input, and {@code String.split("\\s+")} compiles a pattern per call.
   */
  static int fields(String line, String[] out, int max) {
    int n = 0;
    int i = 0;
    int len = line.length();
    while (i < len) {
      while (i < len && space(line.charAt(i))) {
        i++;
      }
      if (i >= len) {
        break;
      }
      int start = i;
      while (i < len && !space(line.charAt(i))) {
        i++;
      }
      if (n < max) {
        out[n] = line.substring(start, i);
      }
      n++;
    }
    return n;
  }

  public Parsed<GatewayRequest> parseSquid(String line) {
    String[] f = new String[SQUID_FIELDS];
    int count = fields(line.strip(), f, SQUID_FIELDS);
    if (count == 0) {
      return Parsed.reject(RejectReason.BLANK_LINE, null);
    }
    Parsed<Long> ts = epochSecondsText(f[0]);
    if (count != SQUID_FIELDS) {
      // Many fields behind a good timestamp is a custom logformat; anything else is junk.
      return count > SQUID_FIELDS && ts.isValid()
          ? Parsed.reject(RejectReason.UNSUPPORTED_LAYOUT,
              count + " fields: a custom Squid logformat, not native")
          : Parsed.reject(RejectReason.MALFORMED_RECORD, count + " fields, Squid native has 10");
    }
    if (!ts.isValid()) {
      return ts.asReject();
    }
    Parsed<Long> elapsed = nonNegative(f[1], "elapsed");
    if (!elapsed.isValid()) {
      return elapsed.asReject();
    }
    Parsed<IpAddress> client = clientAddress(f[2]);
    if (!client.isValid()) {
      return client.asReject();
    }
    int slash = f[3].lastIndexOf('/');
    if (slash <= 0) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "result code is not CODE/status");
    }
    Parsed<Integer> status = httpStatus(f[3].substring(slash + 1));
    if (!status.isValid()) {
      return status.asReject();
    }
    Parsed<Long> bytes = nonNegative(f[4], "bytes");
    if (!bytes.isValid()) {
      return bytes.asReject();
    }
    String method = f[5];
    int peerSlash = f[8].indexOf('/');
    if (peerSlash <= 0) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "hierarchy is not CODE/peer");
    }
    String peer = f[8].substring(peerSlash + 1);
    IpAddress proxy = null;
    if (ipParser.parse(peer)) {
      proxy = new IpAddress(ipParser.hi(), ipParser.lo(), ipParser.version());
    }
    return Parsed.ok(request(ts.value(), client.value(), proxy, null,
        f[8].substring(0, peerSlash), f[3].substring(0, slash), status.value(), elapsed.value(),
        bytes.value(), method, targetHost(method, f[6]), !f[7].equals("-"), null));
  }

  public Parsed<GatewayRequest> parseClf(String line) {
    ClfFields m = ClfFields.match(line.strip());
    if (m == null) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "not Common or Combined Log Format");
    }
    Parsed<IpAddress> client = clientAddress(m.client);
    if (!client.isValid()) {
      return client.asReject();
    }
    long micros;
    try {
      Instant t = OffsetDateTime.parse(m.time, CLF_TIME).toInstant();
      if (t.getEpochSecond() < MIN_EPOCH_SECONDS || t.getEpochSecond() > MAX_EPOCH_SECONDS) {
        return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "outside 1995..2100");
      }
      micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    } catch (DateTimeParseException e) {
      return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "not dd/MMM/yyyy:HH:mm:ss Z");
    }
    Parsed<Integer> status = httpStatus(m.status);
    if (!status.isValid()) {
      return status.asReject();
    }
    long bytes = 0;
    if (!m.bytes.equals("-")) {
      Parsed<Long> b = nonNegative(m.bytes, "bytes");
      if (!b.isValid()) {
        return b.asReject();
      }
      bytes = b.value();
    }
    String[] request = m.request.split(" ");
    String method = request.length == 3 ? request[0] : null;
    String target = request.length == 3 ? targetHost(method, request[1]) : null;
    IpAddress proxy = null;
    Integer proxyPort = null;
    String upstream = m.upstream;
    if (upstream != null) {
      // nginx lists every upstream tried, "a:1, b:2": the last one served the response.
      String last = upstream.substring(upstream.lastIndexOf(',') + 1).strip();
      int colon = last.lastIndexOf(':');
      int close = last.lastIndexOf(']');
      if (colon > 0 && colon > close) {
        int from = last.startsWith("[") ? 1 : 0;
        int to = last.startsWith("[") ? close : colon;
        Parsed<Integer> port = Endpoints.port(last, colon + 1, last.length());
        if (to > from && port.isValid() && ipParser.parse(last, from, to)) {
          proxy = new IpAddress(ipParser.hi(), ipParser.lo(), ipParser.version());
          proxyPort = port.value();
        }
      }
    }
    return Parsed.ok(request(micros, client.value(), proxy, proxyPort, null, null,
        status.value(), null, bytes, method, target, !m.user.equals("-"), null));
  }

  public Parsed<GatewayRequest> parseJson(String line) {
    JsonNode node;
    try {
      node = trees.read(line);
    } catch (JsonLines.TooLarge e) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, e.getMessage());
    } catch (JsonProcessingException e) {
      return Parsed.reject(RejectReason.INVALID_JSON,
          "at column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()));
    }
    if (node == null || !node.isObject()) {
      return Parsed.reject(RejectReason.INVALID_JSON, "not a JSON object");
    }
    return parseFields(new JsonFields(node, false));
  }

  /**
   * Structured records (JSON, Parquet). Fields: ts or timestamp (epoch seconds, or ISO-8601
   * text), client_ip, proxy_ip, proxy_port, status, result_code, hierarchy_code, elapsed_ms,
   * bytes, method, target_host, authenticated, exit_ip. ts, client_ip and status are required.
   */
  public Parsed<GatewayRequest> parseFields(FieldReader f) {
    Object tsValue = f.first(TS_FIELDS);
    Parsed<Long> ts;
    if (tsValue == null) {
      return Parsed.reject(RejectReason.MISSING_FIELD, "ts");
    } else if (tsValue instanceof Number) {
      ts = epochSeconds(((Number) tsValue).doubleValue());
    } else if (tsValue instanceof String) {
      ts = isoOrEpochText((String) tsValue);
    } else {
      return f.wrongType("ts");
    }
    if (!ts.isValid()) {
      return ts.asReject();
    }
    Object clientValue = f.first(CLIENT_FIELDS);
    if (clientValue == null) {
      return Parsed.reject(RejectReason.MISSING_FIELD, "client_ip");
    }
    if (!(clientValue instanceof String)) {
      return f.wrongType("client_ip");
    }
    Parsed<IpAddress> client = clientAddress((String) clientValue);
    if (!client.isValid()) {
      return client.asReject();
    }
    Parsed<Long> status = longField(f, "status", true, 999);
    if (!status.isValid()) {
      return status.asReject();
    }
    IpAddress proxy = null;
    Object proxyValue = f.get("proxy_ip");
    if (proxyValue != null) {
      if (!(proxyValue instanceof String)) {
        return f.wrongType("proxy_ip");
      }
      if (!ipParser.parse((String) proxyValue)) {
        return Parsed.reject(ipParser.error(), "proxy_ip");
      }
      proxy = new IpAddress(ipParser.hi(), ipParser.lo(), ipParser.version());
    }
    Parsed<Long> port = longField(f, "proxy_port", false, 65535);
    if (!port.isValid()) {
      return port.asReject();
    }
    if (port.value() != null && port.value() == 0) {
      return Parsed.reject(RejectReason.INVALID_PORT, "port 0 outside 1..65535");
    }
    Parsed<Long> elapsed = longField(f, "elapsed_ms", false, Long.MAX_VALUE);
    if (!elapsed.isValid()) {
      return elapsed.asReject();
    }
    Parsed<Long> bytes = longField(f, "bytes", false, Long.MAX_VALUE);
    if (!bytes.isValid()) {
      return bytes.asReject();
    }
    String[] text = new String[TEXT_FIELDS.length];
    String[] names = TEXT_FIELDS;
    for (int i = 0; i < names.length; i++) {
      Object v = f.get(names[i]);
      if (v != null && !(v instanceof String)) {
        return f.wrongType(names[i]);
      }
      text[i] = v == null ? null : InventoryParser.truncate((String) v, 255);
    }
    Object auth = f.get("authenticated");
    if (auth != null && !(auth instanceof Boolean) && f.typed()) {
      return f.wrongType("authenticated");
    }
    boolean authenticated = auth != null && Boolean.parseBoolean(auth.toString());
    IpAddress exit = null;
    Object exitValue = f.get("exit_ip");
    if (exitValue != null) {
      if (!(exitValue instanceof String)) {
        return f.wrongType("exit_ip");
      }
      if (!ipParser.parse((String) exitValue)) {
        return Parsed.reject(ipParser.error(), "exit_ip");
      }
      exit = new IpAddress(ipParser.hi(), ipParser.lo(), ipParser.version());
    }
    Integer proxyPort = port.value() == null ? null : port.value().intValue();
    return Parsed.ok(request(ts.value(), client.value(), proxy, proxyPort, text[3], text[2],
        status.value().intValue(), elapsed.value(), bytes.value() == null ? 0 : bytes.value(),
        text[0], text[1] == null ? null : CaseFold.lower(text[1]), authenticated, exit));
  }

  private static GatewayRequest request(long ts, IpAddress client, IpAddress proxy,
      Integer proxyPort, String hier, String result, int status, Long elapsed, long bytes,
      String method, String target, boolean authenticated, IpAddress exit) {
    String clientClass = SpecialPurpose.classify(client.hi(), client.lo()).label();
    String proxyClass = proxy == null ? null : SpecialPurpose.classify(proxy.hi(), proxy.lo()).label();
    return new GatewayRequest(ts, client, clientClass, proxy, proxyPort, proxyClass, hier, result,
        status, elapsed, bytes, method, target, authenticated, exit);
  }

  /** Client addresses of every class are kept; a zone id is dropped. Host names are not IPs. */
  private Parsed<IpAddress> clientAddress(String text) {
    if (!ipParser.parse(text)) {
      return Parsed.reject(RejectReason.INVALID_CLIENT_IP, String.valueOf(ipParser.error()));
    }
    return Parsed.ok(new IpAddress(ipParser.hi(), ipParser.lo(), ipParser.version()));
  }

  private static Parsed<Integer> httpStatus(String s) {
    // ASCII digits only: Character.isDigit and Integer.parseInt take any script's digits.
    if (s.length() != 3 || !asciiDigit(s.charAt(0)) || !asciiDigit(s.charAt(1))
        || !asciiDigit(s.charAt(2))) {
      return Parsed.reject(RejectReason.INVALID_NUMBER, "status is not three digits");
    }
    return Parsed.ok((s.charAt(0) - '0') * 100 + (s.charAt(1) - '0') * 10 + s.charAt(2) - '0');
  }

  private static boolean asciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static Parsed<Long> nonNegative(String s, String field) {
    if (s.isEmpty() || s.length() > 18) {
      return Parsed.reject(RejectReason.INVALID_NUMBER, field + " out of range");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return Parsed.reject(RejectReason.INVALID_NUMBER, field + " is not a non-negative integer");
      }
      v = v * 10 + (c - '0');
    }
    return Parsed.ok(v);
  }

  /** Squid's {@code seconds.millis}. */
  private static Parsed<Long> epochSecondsText(String s) {
    int dot = s.indexOf('.');
    String whole = dot < 0 ? s : s.substring(0, dot);
    String frac = dot < 0 ? "" : s.substring(dot + 1);
    Parsed<Long> sec = nonNegative(whole, "timestamp");
    if (!sec.isValid() || frac.length() > 6 || (!frac.isEmpty() && !nonNegative(frac, "ts").isValid())) {
      return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "not epoch seconds");
    }
    if (sec.value() < MIN_EPOCH_SECONDS || sec.value() > MAX_EPOCH_SECONDS) {
      return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "outside 1995..2100");
    }
    long micros = frac.isEmpty() ? 0 : Long.parseLong((frac + "000000").substring(0, 6));
    return Parsed.ok(sec.value() * 1_000_000L + micros);
  }

  private static Parsed<Long> epochSeconds(double seconds) {
    if (!(seconds >= MIN_EPOCH_SECONDS && seconds <= MAX_EPOCH_SECONDS)) {
      return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "outside 1995..2100");
    }
    return Parsed.ok(Math.round(seconds * 1_000_000d));
  }

  private static Parsed<Long> isoOrEpochText(String s) {
    try {
      Instant t = OffsetDateTime.parse(s.strip()).toInstant();
      if (t.getEpochSecond() < MIN_EPOCH_SECONDS || t.getEpochSecond() > MAX_EPOCH_SECONDS) {
        return Parsed.reject(RejectReason.INVALID_TIMESTAMP, "outside 1995..2100");
      }
      return Parsed.ok(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
    } catch (DateTimeParseException e) {
      return epochSecondsText(s.strip());
    }
  }

  private static Parsed<Long> longField(FieldReader f, String name, boolean required, long max) {
    Object v = f.get(name);
    if (v == null) {
      return required ? Parsed.reject(RejectReason.MISSING_FIELD, name) : Parsed.ok(null);
    }
    long value;
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        return Parsed.reject(RejectReason.INVALID_NUMBER, name + " is not a whole number");
      }
      Long exact = WholeNumbers.exactLong((Number) v);
      if (d < 0 || d > max || exact == null || exact > max) {
        return Parsed.reject(RejectReason.INVALID_NUMBER, name + " out of range");
      }
      value = exact;
    } else if (v instanceof String && !f.typed()) {
      Parsed<Long> p = nonNegative(((String) v).strip(), name);
      if (!p.isValid()) {
        return p;
      }
      value = p.value();
      if (value > max) {
        return Parsed.reject(RejectReason.INVALID_NUMBER, name + " out of range");
      }
    } else {
      return f.wrongType(name);
    }
    return Parsed.ok(value);
  }


  /** The host a request went to: {@code CONNECT host:port}, or the authority of a URL. */
  public static String targetHost(String method, String url) {
    String s = url;
    int scheme = s.indexOf("://");
    if (scheme > 0) {
      s = s.substring(scheme + 3);
    } else if (!"CONNECT".equals(method)) {
      return null;
    }
    int end = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    s = s.substring(0, end);
    s = s.substring(s.lastIndexOf('@') + 1);
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      s = close > 0 ? s.substring(1, close) : s;
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0) {
        s = s.substring(0, colon);
      }
    }
    return s.isEmpty() ? null : InventoryParser.truncate(CaseFold.lower(s), 255);
  }
}
