package io.ippipe.common.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses inventory records in every text format. One instance per task: it holds a reusable
 * {@link IpParser}. Field names accepted in CSV, JSON and Parquet (first match wins):
 * <ul>
 *   <li>address: ip, host, address, proxy_ip; port: port, proxy_port</li>
 *   <li>protocol: protocol, scheme; proxy type: proxy_type, type</li>
 *   <li>supplier: supplier, provider; claimed country: country, claimed_country, country_code,
 *       or in JSON geolocation.country.iso_code</li>
 *   <li>credentials: username, password, user, pass (only their presence is kept)</li>
 * </ul>
 */
public final class InventoryParser {
  static final String[] IP_FIELDS = {"ip", "host", "address", "proxy_ip"};
  static final String[] PORT_FIELDS = {"port", "proxy_port"};
  static final String[] PROTOCOL_FIELDS = {"protocol", "scheme"};
  static final String[] TYPE_FIELDS = {"proxy_type", "type"};
  static final String[] SUPPLIER_FIELDS = {"supplier", "provider"};
  static final String[] COUNTRY_FIELDS = {"country", "claimed_country", "country_code"};
  static final String[] CREDENTIAL_FIELDS = {"username", "password", "user", "pass"};
  /**
   * Records one JSON array line may hold: more than a 4 MB line (validate.max_line_length) of
   * the smallest real records ({"ip":"1.2.3.4","port":80}) can, and a bound on what one line
   * costs a task; a line over it is one reject.
   */
  static final int MAX_RECORDS_PER_LINE = 200_000;
  /**
   * Objects, arrays and strings one JSON line's tree may cost: the smallest real records fill a
   * 4 MB line with 310 000 of them; about 35 MB of nodes at most.
   */
  static final int MAX_NODES_PER_LINE = 400_000;

  /** Every field name the structured formats read, for selecting columns from Parquet input. */
  public static final java.util.List<String> FIELDS = concat(IP_FIELDS, PORT_FIELDS,
      PROTOCOL_FIELDS, TYPE_FIELDS, SUPPLIER_FIELDS, COUNTRY_FIELDS, CREDENTIAL_FIELDS);

  /** Whether a field can hold the proxy address. */
  public static boolean isAddressField(String name) {
    return java.util.Arrays.asList(IP_FIELDS).contains(name);
  }

  private static java.util.List<String> concat(String[]... groups) {
    java.util.List<String> all = new ArrayList<>();
    for (String[] g : groups) {
      all.addAll(java.util.Arrays.asList(g));
    }
    return java.util.List.copyOf(all);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final IpParser ipParser = new IpParser();
  private final JsonLines trees = new JsonLines(MAX_NODES_PER_LINE);
  private final ProxyProtocol defaultProtocol;

  public InventoryParser(ProxyProtocol defaultProtocol) {
    this.defaultProtocol = defaultProtocol;
  }

  /** Parses one non-blank text line; JSON array lines give one result per element. */
  public List<Parsed<ProxyEndpoint>> parseLine(String line, InventoryFormat format, CsvHeader csv) {
    if (line.isBlank()) {
      return List.of(Parsed.reject(RejectReason.BLANK_LINE, null));
    }
    switch (format) {
      case PLAIN: return List.of(parsePlain(line));
      case URL: return List.of(parseUrl(line));
      case STATUS: return List.of(parseStatus(line));
      case CSV: return List.of(parseCsv(line, csv));
      case JSONL: return parseJson(line);
      default: throw new IllegalArgumentException("Cannot parse " + format + " as text lines");
    }
  }

  public Parsed<ProxyEndpoint> parsePlain(String line) {
    String t = line.strip();
    if (t.startsWith("#")) {
      return Parsed.reject(RejectReason.HEADER_OR_COMMENT, null);
    }
    Parsed<Endpoints.HostPort> hp = Endpoints.proxyHostPort(ipParser, t, 0, t.length());
    if (!hp.isValid()) {
      return hp.asReject();
    }
    return Parsed.ok(new ProxyEndpoint(hp.value().ip(), hp.value().port(), defaultProtocol, null,
        null, null, false, null));
  }

  public Parsed<ProxyEndpoint> parseUrl(String line) {
    String t = line.strip();
    if (t.startsWith("#")) {
      return Parsed.reject(RejectReason.HEADER_OR_COMMENT, null);
    }
    int sep = t.indexOf("://");
    if (sep <= 0) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "not a scheme://host:port URL");
    }
    String schemeText = t.substring(0, sep);
    ProxyProtocol protocol = ProxyProtocol.fromText(schemeText);
    if (protocol == null) {
      return Parsed.reject(RejectReason.UNSUPPORTED_SCHEME, "scheme " + quoted(schemeText));
    }
    int from = sep + 3;
    int to = t.length();
    while (to > from && t.charAt(to - 1) == '/') {
      to--;
    }
    int slash = t.indexOf('/', from);
    if (slash >= 0 && slash < to) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "proxy URL has a path");
    }
    boolean credentials = false;
    int at = t.lastIndexOf('@', to - 1);
    if (at >= from) {
      credentials = at > from;
      from = at + 1;
    }
    if (from >= to) {
      return Parsed.reject(RejectReason.MISSING_FIELD, "URL has no host:port");
    }
    Parsed<Endpoints.HostPort> hp = Endpoints.proxyHostPort(ipParser, t, from, to);
    if (!hp.isValid()) {
      return hp.asReject();
    }
    return Parsed.ok(new ProxyEndpoint(hp.value().ip(), hp.value().port(), protocol, null, null,
        null, credentials, null));
  }

  /**
   * spys.me status lists: {@code IP:PORT CC-A[-S][!] [+|-]} where A is N (transparent),
   * A (anonymous) or H (elite), S marks HTTPS support, ! an exit address that differs; and the
   * liveness form {@code IP:PORT => success|failure}. Banner lines (starting with a letter) are
   * structural rejects.
   */
  public Parsed<ProxyEndpoint> parseStatus(String line) {
    String t = line.strip();
    if (t.isEmpty()) {
      return Parsed.reject(RejectReason.BLANK_LINE, null);
    }
    if (t.startsWith("#") || Character.isLetter(t.charAt(0))) {
      return Parsed.reject(RejectReason.HEADER_OR_COMMENT, null);
    }
    int space = indexOfWhitespace(t, 0);
    int hpEnd = space < 0 ? t.length() : space;
    Parsed<Endpoints.HostPort> hp = Endpoints.proxyHostPort(ipParser, t, 0, hpEnd);
    if (!hp.isValid()) {
      return hp.asReject();
    }
    String rest = space < 0 ? "" : t.substring(space).strip();
    String country = null;
    String anonymity = null;
    ProxyProtocol protocol = defaultProtocol;
    if (rest.startsWith("=>")) {
      String result = rest.substring(2).strip();
      if (!result.equals("success") && !result.equals("failure")) {
        return Parsed.reject(RejectReason.INVALID_FIELD_VALUE, "status is not success|failure");
      }
    } else if (!rest.isEmpty()) {
      // Only the first token is read: splitting all of a long rest compiled a pattern and
      // built an array of every token, per line.
      int flagsEnd = indexOfWhitespace(rest, 0);
      String flags = flagsEnd < 0 ? rest : rest.substring(0, flagsEnd);
      String[] parts = flags.split("-");
      if (parts.length < 2 || parts.length > 3) {
        return Parsed.reject(RejectReason.MALFORMED_RECORD, "status flags are not CC-A[-S]");
      }
      Parsed<String> cc = Endpoints.countryCode(parts[0]);
      if (!cc.isValid()) {
        return cc.asReject();
      }
      country = cc.value();
      switch (parts[1].replace("!", "")) {
        case "N": anonymity = "transparent"; break;
        case "A": anonymity = "anonymous"; break;
        case "H": anonymity = "elite"; break;
        default:
          return Parsed.reject(RejectReason.INVALID_FIELD_VALUE, "anonymity is not N, A or H");
      }
      if (parts.length == 3) {
        String ssl = parts[2].replace("!", "");
        if (!ssl.equals("S")) {
          return Parsed.reject(RejectReason.INVALID_FIELD_VALUE, "SSL flag is not S");
        }
        protocol = ProxyProtocol.HTTPS;
      }
    }
    return Parsed.ok(new ProxyEndpoint(hp.value().ip(), hp.value().port(), protocol, null, null,
        country, false, anonymity));
  }

  public Parsed<ProxyEndpoint> parseCsv(String line, CsvHeader header) {
    if (header.isHeaderLine(line)) {
      return Parsed.reject(RejectReason.HEADER_OR_COMMENT, null);
    }
    if (header.missingColumn() != null) {
      return Parsed.reject(RejectReason.CSV_HEADER_MISMATCH, "no column " + header.missingColumn());
    }
    List<String> fields = Csv.split(line, ',');
    if (fields == null) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD, "unclosed quote");
    }
    if (fields.size() != header.size()) {
      return Parsed.reject(RejectReason.MALFORMED_RECORD,
          fields.size() + " fields, header has " + header.size());
    }
    return parseFields(header.reader(fields));
  }

  public List<Parsed<ProxyEndpoint>> parseJson(String line) {
    JsonNode node;
    try {
      if (arrayLongerThan(line, MAX_RECORDS_PER_LINE)) {
        // A 4 MB line of "[0,0,...]" was 2 million rejects at once, out of memory; counted on
        // the token stream, before any tree: 1.4 million "{}" built ~110 MB of nodes first.
        return List.of(Parsed.reject(RejectReason.MALFORMED_RECORD, "a JSON array of more than "
            + MAX_RECORDS_PER_LINE + " records on one line"));
      }
      node = trees.read(line);
    } catch (JsonLines.TooLarge e) {
      return List.of(Parsed.reject(RejectReason.MALFORMED_RECORD, e.getMessage()));
    } catch (JsonProcessingException e) {
      // The parser's message quotes input; say only where it failed.
      return List.of(Parsed.reject(RejectReason.INVALID_JSON,
          "at column " + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())));
    } catch (IOException e) {
      // A String source has no I/O of its own to fail; kept a reject all the same.
      return List.of(Parsed.reject(RejectReason.INVALID_JSON, "unreadable"));
    }
    if (node == null) {
      return List.of(Parsed.reject(RejectReason.INVALID_JSON, "no JSON value"));
    }
    if (node.isArray()) {
      if (node.isEmpty()) {
        return List.of(Parsed.reject(RejectReason.MALFORMED_RECORD, "empty JSON array"));
      }
      List<Parsed<ProxyEndpoint>> out = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        out.add(parseJsonObject(element));
      }
      return out;
    }
    return List.of(parseJsonObject(node));
  }

  /** Whether the line is a JSON array of more than {@code limit} elements, read as tokens. */
  private static boolean arrayLongerThan(String line, int limit) throws IOException {
    try (JsonParser tokens = JSON.createParser(line)) {
      if (tokens.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      int elements = 0;
      JsonToken t;
      while ((t = tokens.nextToken()) != null && t != JsonToken.END_ARRAY) {
        if (++elements > limit) {
          return true;
        }
        tokens.skipChildren();
      }
      return false;
    }
  }

  private Parsed<ProxyEndpoint> parseJsonObject(JsonNode node) {
    if (!node.isObject()) {
      return Parsed.reject(RejectReason.INVALID_JSON, "not a JSON object");
    }
    return parseFields(new JsonFields(node, true));
  }

  /** The field rules shared by CSV, JSON and Parquet records. */
  public Parsed<ProxyEndpoint> parseFields(FieldReader f) {
    Object ipValue = f.first(IP_FIELDS);
    if (ipValue == null || ipValue.toString().isBlank()) {
      return Parsed.reject(RejectReason.MISSING_FIELD, "ip");
    }
    if (!(ipValue instanceof String)) {
      return f.wrongType("ip");
    }
    String ipText = ((String) ipValue).strip();
    Parsed<IpAddress> ip;
    if (ipText.startsWith("[") && ipText.endsWith("]")) {
      ip = Endpoints.proxyAddress(ipParser, ipText, 1, ipText.length() - 1);
    } else {
      ip = Endpoints.proxyAddress(ipParser, ipText, 0, ipText.length());
    }
    if (!ip.isValid()) {
      return ip.asReject();
    }
    Parsed<Integer> port = portField(f);
    if (!port.isValid()) {
      return port.asReject();
    }
    ProxyProtocol protocol = defaultProtocol;
    Object protocolValue = f.first(PROTOCOL_FIELDS);
    if (protocolValue != null && !protocolValue.toString().isBlank()) {
      if (!(protocolValue instanceof String)) {
        return f.wrongType("protocol");
      }
      protocol = ProxyProtocol.fromText((String) protocolValue);
      if (protocol == null) {
        return Parsed.reject(RejectReason.UNSUPPORTED_SCHEME,
            "protocol " + quoted((String) protocolValue));
      }
    }
    ProxyType type = null;
    Object typeValue = f.first(TYPE_FIELDS);
    if (typeValue != null && !typeValue.toString().isBlank()) {
      type = typeValue instanceof String ? ProxyType.fromText((String) typeValue) : null;
      if (type == null) {
        return typeValue instanceof String
            ? Parsed.reject(RejectReason.INVALID_FIELD_VALUE, "proxy_type " + quoted(typeValue.toString()))
            : f.wrongType("proxy_type");
      }
    }
    Object supplierValue = f.first(SUPPLIER_FIELDS);
    if (supplierValue != null && !(supplierValue instanceof String)) {
      return f.wrongType("supplier");
    }
    String supplier = supplierValue == null || ((String) supplierValue).isBlank()
        ? null : truncate(((String) supplierValue).strip(), 128);
    Object countryValue = f.first(COUNTRY_FIELDS);
    if (countryValue != null && !(countryValue instanceof String)) {
      return f.wrongType("country");
    }
    Parsed<String> country = Endpoints.countryCode((String) countryValue);
    if (!country.isValid()) {
      return country.asReject();
    }
    boolean credentials = false;
    for (String name : CREDENTIAL_FIELDS) {
      Object v = f.get(name);
      if (v != null && !v.toString().isEmpty()) {
        credentials = true;
      }
    }
    return Parsed.ok(new ProxyEndpoint(ip.value(), port.value(), protocol, type, supplier,
        country.value(), credentials, null));
  }

  private static Parsed<Integer> portField(FieldReader f) {
    Object v = f.first(PORT_FIELDS);
    if (v == null) {
      return Parsed.reject(RejectReason.INVALID_PORT, "missing port");
    }
    if (v instanceof Number) {
      Number n = (Number) v;
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        return Parsed.reject(RejectReason.INVALID_PORT, "port is not a whole number");
      }
      Long exact = WholeNumbers.exactLong(n);
      return exact == null ? Parsed.reject(RejectReason.INVALID_PORT, "port out of range")
          : Endpoints.port(exact);
    }
    if (v instanceof String && !f.typed()) {
      String s = ((String) v).strip();
      return Endpoints.port(s, 0, s.length());
    }
    return f.wrongType("port");
  }


  /**
   * A few characters of input for a reject's detail, which goes to the lake beside the masked
   * raw text: masked first, then cut, since a cut before the '@' hides the credential from the
   * mask ("scheme alice:Sekr1tPass..."). Proxy addresses stay, the provider's own.
   */
  static String quoted(String input) {
    return truncate(Redaction.mask(input), 16);
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static int indexOfWhitespace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
