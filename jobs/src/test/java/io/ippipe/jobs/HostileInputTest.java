package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded corpus of hostile input, every input format, through ingest: no crash and no failed
 * task, every line accounted for (read = the lines in the file by the LF/CRLF/CR rule, counted
 * here, not by the job; read = valid + rejected), every untouched good line valid and every
 * certainly-broken one rejected, with a reason; and no reject shows a credential. The kinds are
 * the ways real inventories and logs break: binary junk, encodings, line ends, sizes, fields,
 * numbers, address notations, JSON types; long quoted fields, escape and '@'/'=' runs (what
 * overflowed the stack or went quadratic); credentials with '@' or '/' in the password, CSV
 * rows whose credentials shifted columns; a gzip stream with no newline.
 */
class HostileInputTest {
  static final String DATE = "2026-11-25";
  static final byte[] NL = {'\n'};

  /**
   * One way to break a line; {@code make} gets a valid line of the format and a random.
   * {@code rejected}: every line of the kind must be rejected, whatever the format.
   */
  record Kind(String name, java.util.function.BiFunction<String, Random, byte[]> make,
      boolean rejected) {
    Kind(String name, java.util.function.BiFunction<String, Random, byte[]> make) {
      this(name, make, false);
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Kinds that apply to any line format; {@code valid} is a good line of that format. */
  static List<Kind> generic() {
    List<Kind> k = new ArrayList<>();
    k.add(new Kind("binary junk", (v, r) -> {
      byte[] junk = new byte[1 + r.nextInt(200)];
      r.nextBytes(junk);
      for (int i = 0; i < junk.length; i++) {
        if (junk[i] == '\n' || junk[i] == '\r') {
          junk[i] = 'x';
        }
      }
      return junk;
    }));
    k.add(new Kind("NUL inside", (v, r) -> b(v.substring(0, v.length() / 2) + "\0" + v.substring(v.length() / 2)), true));
    k.add(new Kind("invalid UTF-8", (v, r) -> concat(b(v), new byte[] {(byte) 0xC3, (byte) 0x28}), true));
    k.add(new Kind("overlong UTF-8", (v, r) -> concat(new byte[] {(byte) 0xC0, (byte) 0xAF}, b(v)), true));
    k.add(new Kind("BOM mid-file", (v, r) -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b(v))));
    k.add(new Kind("CRLF", (v, r) -> b(v + "\r")));
    k.add(new Kind("lone CR splits a line", (v, r) -> b(v + "\r" + v)));
    k.add(new Kind("tabs", (v, r) -> b(v.replace(",", "\t,").replace(" ", "\t"))));
    k.add(new Kind("control characters", (v, r) -> b("\u0007" + v + "\u001b[2J"), true));
    k.add(new Kind("empty line", (v, r) -> new byte[0], true));
    k.add(new Kind("whitespace only", (v, r) -> b("  \t "), true));
    k.add(new Kind("comment", (v, r) -> b("# " + v)));
    k.add(new Kind("leading and trailing spaces", (v, r) -> b("   " + v + "   ")));
    k.add(new Kind("truncated", (v, r) -> b(v.substring(0, r.nextInt(Math.max(1, v.length())))))); 
    k.add(new Kind("doubled", (v, r) -> b(v + v)));
    k.add(new Kind("injection text", (v, r) -> b(v.replace("1.", "'; DROP TABLE scores; --1."))));
    k.add(new Kind("unicode digits", (v, r) -> b(v.replace('1', '\uFF11').replace('2', '\u0662'))));
    k.add(new Kind("right-to-left override", (v, r) -> b("\u202E" + v)));
    k.add(new Kind("huge number", (v, r) -> b(v.replaceAll("\\d{2,5}", "99999999999999999999999"))));
    k.add(new Kind("negative number", (v, r) -> b(v.replaceAll("(\\D)(\\d{2,5})(\\D|$)", "$1-$2$3"))));
    k.add(new Kind("port above 65535", (v, r) -> b(v.replaceAll(":(\\d{2,5})", ":" + (65536 + r.nextInt(100000))))));
    k.add(new Kind("octal IPv4", (v, r) -> b(v.replaceAll("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b", "0$1.0$2.$3.$4"))));
    k.add(new Kind("hex IPv4", (v, r) -> b(v.replaceAll("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b", "0x7f.$2.$3.$4"))));
    k.add(new Kind("shorthand IPv4", (v, r) -> b(v.replaceAll("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b", "$1.$4"))));
    k.add(new Kind("IPv6 zone id", (v, r) -> b(v.replaceAll("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b", "fe80::1%eth0"))));
    k.add(new Kind("unbalanced bracket", (v, r) -> b(v.replaceAll("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b", "[2001:db8::1"))));
    k.add(new Kind("host name", (v, r) -> b(v.replaceAll("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b", "proxy.example.com"))));
    k.add(new Kind("special-purpose address", (v, r) -> b(v.replaceAll("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b", "10.0.0." + r.nextInt(255)))));
    k.add(new Kind("missing fields", (v, r) -> b(v.substring(0, Math.max(1, v.lastIndexOf(v.contains(",") ? ',' : ' '))))));
    k.add(new Kind("extra fields", (v, r) -> b(v + (v.startsWith("{") ? "" : ",extra,fields x y z"))));
    // Credentials that must not reach the rejects' raw text, in any format.
    k.add(new Kind("credentials with '@' in the password",
        (v, r) -> b(v.replaceFirst(IP, "alice:p@" + SECRET + "@$0"))));
    k.add(new Kind("credentials with '/' in the password",
        (v, r) -> b(v.replaceFirst(IP, "http://alice:p/" + SECRET + "@$0"))));
    k.add(new Kind("credentials after a scheme inside the password",
        (v, r) -> b(v.replaceFirst(IP, "alice:" + SECRET + "@x://p@$0"))));
    k.add(new Kind("credentials with spaces, quotes and brackets in the password",
        (v, r) -> b(v.replaceFirst(IP, "http://alice:p <" + SECRET + "> \"q@$0"))));
    k.add(new Kind("a JSON password after a URL whose mask swallows a quote",
        (v, r) -> b(v.startsWith("{") ? "{\"url\": http://h/x, \"c\": \"a@b\", \"password\": \""
            + SECRET + "\"," + v.substring(1) : v)));
    return k;
  }

  static final String IP = "\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b";
  /** A password that no reject may show, whatever the line it came in. */
  static final String SECRET = "Sekr1tPw";

  /** The line with one more quoted field where its format has room for one. */
  static String withField(String v, String quoted) {
    if (v.startsWith("{")) {
      return "{\"ua\":" + quoted + "," + v.substring(1);
    }
    return v + (v.contains(",") ? "," : " ") + quoted;
  }

  /** Kinds of a CSV file whose header has credential columns. */
  static List<Kind> csvWithCredentials() {
    List<Kind> k = new ArrayList<>();
    k.add(new Kind("CSV credentials, more fields than the header",
        (v, r) -> b(v + ",x,y"), true));
    k.add(new Kind("CSV credentials, fewer fields than the header",
        (v, r) -> b(v.substring(0, v.lastIndexOf(','))), true));
    k.add(new Kind("CSV credentials shifted to the front",
        (v, r) -> b("alice," + SECRET + "," + v), true));
    k.add(new Kind("CSV credentials in an unclosed quote",
        (v, r) -> b(v.replace(",alice,", ",\"alice,")), true));
    return k;
  }

  /** A few dozen per file, for their size (6 KB each). */
  static List<Kind> medium() {
    List<Kind> k = new ArrayList<>();
    // Quoted fields, escapes and runs that a per-character pattern recursed on or a scan went
    // quadratic on; 6 KB, the User-Agent that overflowed the stack.
    k.add(new Kind("long quoted field", (v, r) -> b(withField(v, "\"" + "a".repeat(6000) + "\""))));
    k.add(new Kind("backslash-escaped quote run",
        (v, r) -> b(withField(v, "\"" + "\\\"".repeat(3000) + "\""))));
    k.add(new Kind("doubled-quote run",
        (v, r) -> b(withField(v, "\"" + "\"\"".repeat(3000) + "\""))));
    k.add(new Kind("backslash run", (v, r) -> b(withField(v, "\"" + "\\\\".repeat(3000) + "\""))));
    k.add(new Kind("unclosed quoted field",
        (v, r) -> b(withField(v, "\"" + "\\\"".repeat(3000) + "a"))));
    k.add(new Kind("'@'/'=' run", (v, r) -> b(v + " @" + "=".repeat(6000))));
    k.add(new Kind("'@' then short tokens", (v, r) -> b(v + " @" + " a".repeat(3000))));
    k.add(new Kind("'@=' pairs", (v, r) -> b(v + " " + "@=".repeat(3000))));
    return k;
  }

  /**
   * Few per file, for their size: long fields in every format, and runs in them, at 64 KB and
   * 1 MB (a quoted 1 MB field in a CLF line is a valid line).
   */
  static List<Kind> heavy() {
    List<Kind> k = new ArrayList<>();
    k.add(new Kind("64 KB quoted field", (v, r) -> b(withField(v, "\"" + "a".repeat(64 << 10) + "\""))));
    k.add(new Kind("64 KB escaped-quote run",
        (v, r) -> b(withField(v, "\"" + "\\\"".repeat(32 << 10) + "\""))));
    k.add(new Kind("64 KB '@'/'=' runs", (v, r) -> b(v + " " + "@= a".repeat(16 << 10))));
    k.add(new Kind("1 MB quoted field", (v, r) -> b(withField(v, "\"" + "a".repeat(1 << 20) + "\""))));
    return k;
  }

  /** Kinds only a JSON-lines format has. */
  static List<Kind> json(Map<String, String> valid) {
    List<Kind> k = new ArrayList<>();
    k.add(new Kind("JSON wrong types", (v, r) -> {
      String key = new ArrayList<>(valid.keySet()).get(r.nextInt(valid.size()));
      return b(v.replace("\"" + key + "\":", "\"" + key + "\":[{\"nested\":true}],\"_\":"));
    }));
    k.add(new Kind("JSON not an object", (v, r) -> b(r.nextBoolean() ? "[1,2,3]" : "42"), true));
    k.add(new Kind("JSON unterminated", (v, r) -> b(v.substring(0, v.length() - 1))));
    k.add(new Kind("JSON deep nesting", (v, r) -> b("[".repeat(5000) + "]".repeat(5000)), true));
    k.add(new Kind("JSON duplicate keys", (v, r) -> b(v.replace("{", "{\"ip\":\"1.1.1.1\",\"ip\":\"2.2.2.2\","))));
    k.add(new Kind("JSON secret members, unterminated", (v, r) -> b("{\"user\":\"alice\",\"password\":\""
        + SECRET + "\"," + v.substring(1, v.length() - 1)), true));
    k.add(new Kind("JSON secret after an escaped-quote run", (v, r) -> b("{\"password\":\""
        + "\\\"".repeat(3000) + SECRET + "\"," + v.substring(1).replace(":", ":[")), true));
    return k;
  }

  /** A file: valid lines and hostile ones interleaved, plus a few 1 MB lines and no final newline. */
  static byte[] corpus(Function<Random, String> valid, List<Kind> kinds, int lines, Random r,
      Map<String, Integer> kindsUsed, String header, long[] untouchedAndRejected) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (header != null) {
      out.writeBytes(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b(header), NL));
      kindsUsed.merge("BOM at file start", 1, Integer::sum);
    }
    for (int i = 0; i < lines; i++) {
      String v = valid.apply(r);
      if (r.nextInt(3) == 0) {
        out.writeBytes(b(v));
        untouchedAndRejected[0]++;
      } else {
        Kind k = kinds.get(r.nextInt(kinds.size()));
        out.writeBytes(k.make().apply(v, r));
        kindsUsed.merge(k.name(), 1, Integer::sum);
        untouchedAndRejected[1] += k.rejected() ? 1 : 0;
      }
      out.writeBytes(NL);
    }
    for (Kind k : medium()) {
      for (int i = 0; i < 25; i++) {
        out.writeBytes(k.make().apply(valid.apply(r), r));
        out.writeBytes(NL);
        kindsUsed.merge(k.name(), 1, Integer::sum);
      }
    }
    for (Kind k : heavy()) {
      for (int i = 0; i < (k.name().startsWith("1 MB") ? 1 : 3); i++) {
        out.writeBytes(k.make().apply(valid.apply(r), r));
        out.writeBytes(NL);
        kindsUsed.merge(k.name(), 1, Integer::sum);
      }
    }
    for (int i = 0; i < 2; i++) {
      out.writeBytes(b("x".repeat(1 << 20)));
      out.writeBytes(NL);
      kindsUsed.merge("1 MB line", 1, Integer::sum);
      untouchedAndRejected[1]++;
    }
    String last = valid.apply(r);
    out.writeBytes(b(last.substring(0, last.length() / 2)));
    kindsUsed.merge("truncated last line without newline", 1, Integer::sum);
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** Lines by the reader's rule: LF, CRLF and CR end a line; a last line needs no end. */
  static long lines(byte[] data) {
    long n = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        n++;
      } else if (data[i] == '\r') {
        n++;
        if (i + 1 < data.length && data[i + 1] == '\n') {
          i++;
        }
      }
    }
    if (data.length > 0 && data[data.length - 1] != '\n' && data[data.length - 1] != '\r') {
      n++;
    }
    return n;
  }

  /**
   * Records of an inventory JSON-lines file by its own rule, told by Jackson: an array line is
   * one record per element (an empty array still one), any other line one.
   */
  static long records(byte[] data) {
    ObjectMapper json = new ObjectMapper();
    long n = 0;
    for (String line : new String(data, StandardCharsets.UTF_8).split("\r\n|\n|\r", -1)) {
      JsonNode node = null;
      try {
        node = line.isBlank() ? null : json.readTree(line.strip());
      } catch (Exception notJson) {
        // one record, rejected
      }
      n += node != null && node.isArray() && node.size() > 0 ? node.size() : 1;
    }
    byte last = data.length == 0 ? (byte) '\n' : data[data.length - 1];
    return last == '\n' || last == '\r' ? n - 1 : n;
  }

  /** A globally reachable IPv4 address, so that an untouched line is certainly valid. */
  static String ip(Random r) {
    while (true) {
      String ip = (1 + r.nextInt(222)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
          + (1 + r.nextInt(254));
      if (io.ippipe.common.ip.SpecialPurpose.classify(io.ippipe.common.ip.IpAddress.parse(ip))
          .globallyReachable()) {
        return ip;
      }
    }
  }

  @Test
  void everyLineOfEveryFormatIsAccountedForWithAReason(@TempDir Path dir) throws Exception {
    Random r = new Random(20261125);
    Map<String, Integer> kinds = new HashMap<>();
    Map<Path, Long> expectedLines = new LinkedHashMap<>();
    int perFile = 10_500;
    List<Kind> generic = generic();

    Map<String, Function<Random, String>> inventory = new LinkedHashMap<>();
    inventory.put("list.txt", x -> ip(x) + ":" + (1 + x.nextInt(65535)));
    inventory.put("urls.txt", x -> (x.nextBoolean() ? "socks5" : "http") + "://" + (x.nextBoolean() ? "u:p@" : "") + ip(x) + ":" + (1 + x.nextInt(65535)));
    inventory.put("status.txt", x -> ip(x) + ":" + (1 + x.nextInt(65535)) + " " + (x.nextBoolean() ? "US-H-S +" : "DE-A -"));
    inventory.put("inventory.csv", x -> ip(x) + "," + (1 + x.nextInt(65535)) + ",http,residential,acme,US");
    // Valid lines with credentials: however a kind breaks them, no reject may show SECRET.
    inventory.put("credentials.csv", x -> ip(x) + "," + (1 + x.nextInt(65535)) + ",http,alice," + SECRET + ",acme");
    inventory.put("inventory.jsonl", x -> "{\"ip\":\"" + ip(x) + "\",\"port\":" + (1 + x.nextInt(65535)) + ",\"protocol\":\"http\",\"password\":\"" + SECRET + "\",\"supplier\":\"acme\"}");
    Map<String, Function<Random, String>> requests = new LinkedHashMap<>();
    requests.put("access.log", x -> "1764028800." + x.nextInt(1000) + " " + x.nextInt(9000) + " " + ip(x) + " TCP_MISS/200 " + x.nextInt(100000) + " GET http://t.example/ - HIER_DIRECT/" + ip(x) + " text/html");
    requests.put("access.clf.gz", x -> ip(x) + " - - [25/Nov/2026:10:00:" + String.format("%02d", x.nextInt(60)) + " +0000] \"GET http://t.example/ HTTP/1.1\" 200 " + x.nextInt(100000));
    requests.put("requests.jsonl", x -> "{\"ts\":\"2026-11-25T10:00:00Z\",\"client_ip\":\"" + ip(x) + "\",\"proxy_ip\":\"" + ip(x) + "\",\"proxy_port\":8080,\"status\":200,\"elapsed_ms\":" + x.nextInt(9000) + ",\"bytes\":" + x.nextInt(100000) + "}");

    List<String> invPaths = new ArrayList<>();
    List<String> reqPaths = new ArrayList<>();
    Map<String, long[]> untouchedAndRejected = new HashMap<>();
    long expectedRecords = 501 + 5000;
    for (boolean isInventory : new boolean[] {true, false}) {
      for (Map.Entry<String, Function<Random, String>> f : (isInventory ? inventory : requests).entrySet()) {
        List<Kind> ks = new ArrayList<>(generic);
        if (f.getKey().endsWith(".jsonl")) {
          ks.addAll(json(Map.of("ip", "", "port", "", "proxy_ip", "", "status", "")));
        }
        if (f.getKey().equals("credentials.csv")) {
          ks.addAll(csvWithCredentials());
        }
        String header = f.getKey().equals("credentials.csv") ? "ip,port,protocol,username,password,supplier"
            : f.getKey().endsWith(".csv") ? "ip,port,protocol,proxy_type,supplier,country" : null;
        long[] counts = untouchedAndRejected.computeIfAbsent(isInventory ? "inventory" : "requests",
            x -> new long[2]);
        byte[] data = corpus(f.getValue(), ks, perFile, r, kinds, header, counts);
        Path p = dir.resolve((isInventory ? "inv/" : "req/") + f.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, f.getKey().endsWith(".gz") ? gzip(data) : data);
        expectedLines.put(p, lines(data));
        expectedRecords += isInventory && f.getKey().endsWith(".jsonl") ? records(data) : lines(data);
        (isInventory ? invPaths : reqPaths).add(p.toString());
      }
    }
    // A CSV file whose header lacks a required column: every row is rejected with that reason.
    Path badHeader = dir.resolve("inv/wrong-header.csv");
    StringBuilder wrong = new StringBuilder("ip,prt,proto\n");
    for (int i = 0; i < 500; i++) {
      wrong.append(ip(r)).append(",8080,http\n");
    }
    Files.writeString(badHeader, wrong);
    expectedLines.put(badHeader, 501L);
    invPaths.add(badHeader.toString());
    kinds.put("CSV header mismatch", 500);
    untouchedAndRejected.get("inventory")[1] += 500;

    // A gzip stream with no newline at all, 16 MB of one line behind a Squid line's start (so
    // that the format is detected): one LINE_TOO_LONG, read in bounded memory.
    Path noNewline = dir.resolve("req/no-newline.log.gz");
    try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(noNewline), 1 << 16)) {
      o.write(b("1764028800.123 5 " + ip(r) + " TCP_MISS/200 100 GET http://alice:" + SECRET + "/"));
      byte[] chunk = b("x".repeat(1 << 20));
      for (int i = 0; i < 16; i++) {
        o.write(chunk);
      }
    }
    expectedLines.put(noNewline, 1L);
    expectedRecords += 1;
    reqPaths.add(noNewline.toString());
    kinds.put("gzip with no newline", 1);
    untouchedAndRejected.get("requests")[1] += 1;

    // Parquet: hostile values in text columns.
    StructType invSchema = new StructType().add("ip", DataTypes.StringType).add("port", DataTypes.StringType)
        .add("protocol", DataTypes.StringType).add("password", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    String[] ips = {"1.2.3.4", "0x7f.0.0.1", "010.1.1.1", "fe80::1%eth0", "[2001:db8::1", "", null, "1.2.3", "999.1.1.1", "\u0000"};
    String[] ports = {"8080", "-1", "70000", "99999999999999999999", "abc", null, ""};
    String[] protocols = {"http", "socks5", "ftp", "", null, "HTTP"};
    for (int i = 0; i < 5000; i++) {
      rows.add(RowFactory.create(ips[r.nextInt(ips.length)], ports[r.nextInt(ports.length)], protocols[r.nextInt(protocols.length)],
          r.nextBoolean() ? SECRET : "http://alice:p@" + SECRET + "@1.2.3.4"));
    }
    Path parquet = dir.resolve("inv-parquet");
    SharedSpark.get().createDataFrame(rows, invSchema).coalesce(1).write().parquet(parquet.toString());
    invPaths.add(parquet.toString());
    kinds.put("Parquet hostile values", 5000);

    long totalLines = expectedLines.values().stream().mapToLong(Long::longValue).sum() + 5000;
    assertTrue(totalLines >= 100_000, "corpus lines: " + totalLines);
    kinds.put("gzip file", 1);
    assertTrue(kinds.size() >= 50, kinds.size() + " kinds: " + kinds.keySet());

    Path lake = dir.resolve("lake");
    List<String> args = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString(),
        "--conf", "validate.max_reject_rate=1.0"));
    args.addAll(TestLakes.conf(dir));
    for (String p : invPaths) {
      args.addAll(List.of("--inventory", p));
    }
    for (String p : reqPaths) {
      args.addAll(List.of("--requests", p));
    }
    // A task that failed and passed on retry would not change the exit code: count them.
    java.util.concurrent.atomic.AtomicInteger failedTasks = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (!(end.reason() instanceof org.apache.spark.Success$)) {
          failedTasks.incrementAndGet();
        }
      }
    };
    SharedSpark.get().sparkContext().addSparkListener(listener);
    CliTest.Run v;
    try {
      v = CliTest.run(args.toArray(new String[0]));
      SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      SharedSpark.get().sparkContext().removeSparkListener(listener);
    }
    assertEquals(0, v.code(), v.err());
    assertEquals(0, failedTasks.get(), "failed tasks");
    assertFalse(v.out().contains(SECRET) || v.err().contains(SECRET), "output shows the secret");

    JsonNode metrics = new ObjectMapper().readTree(lake.resolve("_metrics/dt=" + DATE + "/ingest.json").toFile());
    long read = 0;
    Map<String, Long> linesByFile = new HashMap<>();
    for (JsonNode f : metrics.path("datasets").path("inventory").path("files")) {
      linesByFile.put(f.path("file").asText(), f.path("linesRead").asLong());
    }
    for (JsonNode f : metrics.path("datasets").path("requests").path("files")) {
      linesByFile.put(f.path("file").asText(), f.path("linesRead").asLong());
    }
    for (Map.Entry<Path, Long> e : expectedLines.entrySet()) {
      Long got = linesByFile.entrySet().stream().filter(x -> x.getKey().endsWith(e.getKey().toString()))
          .map(Map.Entry::getValue).findFirst().orElse(null);
      assertEquals(e.getValue(), got, "lines of " + e.getKey());
    }
    for (String feed : List.of("inventory", "requests")) {
      JsonNode d = metrics.path("datasets").path(feed);
      read += d.path("recordsRead").asLong();
      long[] known = untouchedAndRejected.get(feed);
      // Not "read = valid + rejected" again (the job proves that itself): what the corpus knows.
      assertTrue(d.path("valid").asLong() >= known[0],
          feed + ": " + d.path("valid") + " valid, but " + known[0] + " untouched good lines");
      assertTrue(d.path("rejected").asLong() >= known[1],
          feed + ": " + d.path("rejected") + " rejected, but " + known[1] + " certainly broken");
      var rejects = SharedSpark.get().read().parquet(lake + "/rejects/dt=" + DATE + "/dataset=" + feed);
      assertEquals(0, rejects.filter("reason is null or reason_code is null").count(), feed);
      assertEquals(d.path("rejected").asLong(), rejects.count(), feed);
      assertEquals(d.path("recordsRead").asLong(),
          d.path("valid").asLong() + d.path("rejected").asLong(), feed + ": read = valid + rejected");
      List<Row> leaks = rejects.filter(org.apache.spark.sql.functions.col("raw").contains(SECRET)
          .or(org.apache.spark.sql.functions.col("detail").contains(SECRET))).limit(3).collectAsList();
      assertTrue(leaks.isEmpty(), feed + ": rejects show the secret: " + leaks);
      assertTrue(rejects.filter(org.apache.spark.sql.functions.col("raw").contains("***")).count() > 0,
          feed + ": no masked credential at all in the rejects");
    }
    // A record per line, but one per element of a JSON array line of an inventory.
    assertEquals(expectedRecords, read, read + " records for " + totalLines + " lines");
    assertEquals(metrics.path("datasets").path("requests").path("valid").asLong(),
        SharedSpark.get().read().parquet(lake + "/requests/dt=" + DATE).count());
    JsonNode inv = metrics.path("datasets").path("inventory");
    assertEquals(inv.path("valid").asLong() - inv.path("duplicates").asLong(),
        SharedSpark.get().read().parquet(lake + "/inventory/dt=" + DATE).count());
    // Independent of the job's own accounting: every untouched good line is valid and every
    // certainly-broken one rejected (a validator that rejected everything would fail here).
    for (String feed : List.of("inventory", "requests")) {
      JsonNode d = metrics.path("datasets").path(feed);
      long[] expected = untouchedAndRejected.get(feed);
      assertTrue(d.path("valid").asLong() >= expected[0], feed + ": " + d.path("valid").asLong()
          + " valid, but " + expected[0] + " good lines went in untouched");
      assertTrue(d.path("rejected").asLong() >= expected[1], feed + ": "
          + d.path("rejected").asLong() + " rejected, but " + expected[1] + " lines are certainly broken");
    }
    long wrongHeaderRejects = SharedSpark.get().read().parquet(lake + "/rejects/dt=" + DATE + "/dataset=inventory")
        .filter("reason = 'CSV_HEADER_MISMATCH'").count();
    assertEquals(500, wrongHeaderRejects);
  }

  /**
   * Parquet string fields get the line limit: a field longer than validate.max_line_length is
   * the row's LINE_TOO_LONG, in both feeds, and the raw text of that reject shows no part of a
   * credential in the long field, even when the rejects keep more characters than the limit
   * (the value is masked whole before it is cut to the limit).
   */
  @Test
  void parquetFieldsLongerThanTheLineLimitAreRejected(@TempDir Path dir) throws Exception {
    String longUrl = "http://alice:" + SECRET + "x".repeat(80) + "@8.8.4.4";
    StructType invSchema = new StructType().add("ip", DataTypes.StringType)
        .add("port", DataTypes.StringType).add("supplier", DataTypes.StringType);
    Path inv = dir.resolve("inv-parquet");
    SharedSpark.get().createDataFrame(List.of(
        RowFactory.create("8.8.8.8", "8080", "acme"),
        RowFactory.create("8.8.8.8", "8081", "s".repeat(64)),
        RowFactory.create("8.8.8.8", "8082", longUrl)), invSchema)
        .coalesce(1).write().parquet(inv.toString());
    StructType reqSchema = new StructType().add("ts", DataTypes.StringType)
        .add("client_ip", DataTypes.StringType).add("status", DataTypes.StringType)
        .add("target_host", DataTypes.StringType);
    Path req = dir.resolve("req-parquet");
    SharedSpark.get().createDataFrame(List.of(
        RowFactory.create("2026-11-25T10:00:00Z", "9.9.9.9", "200", "t.example"),
        RowFactory.create("2026-11-25T10:00:01Z", "9.9.9.9", "200", longUrl)), reqSchema)
        .coalesce(1).write().parquet(req.toString());

    Path lake = dir.resolve("lake");
    List<String> args = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString(),
        "--inventory", inv.toString(), "--requests", req.toString()));
    args.addAll(TestLakes.conf(dir, "validate.max_reject_rate=1.0",
        "validate.max_line_length=64", "validate.reject_raw_chars=65536"));
    CliTest.Run v = CliTest.run(args.toArray(new String[0]));
    assertEquals(0, v.code(), v.err());

    for (String feed : List.of("inventory", "requests")) {
      List<Row> rejects = SharedSpark.get().read()
          .parquet(lake + "/rejects/dt=" + DATE + "/dataset=" + feed)
          .select("reason", "detail", "raw").collectAsList();
      assertEquals(1, rejects.size(), feed + ": " + rejects);
      Row reject = rejects.get(0);
      assertEquals("LINE_TOO_LONG", reject.getString(0), feed + ": " + reject);
      assertTrue(reject.getString(1).contains("longer than 64 bytes"), feed + ": " + reject);
      assertFalse(reject.getString(2).contains("alice") || reject.getString(2).contains(SECRET),
          feed + ": " + reject);
    }
    assertEquals(2, SharedSpark.get().read().parquet(lake + "/inventory/dt=" + DATE).count());
    assertEquals(1, SharedSpark.get().read().parquet(lake + "/requests/dt=" + DATE).count());
  }

  /** {@code n} valid Squid log lines and {@code n} plain inventory lines. */
  private static void squidAndPlainLines(Random r, int n, StringBuilder logs,
      StringBuilder inventory) {
    for (int i = 0; i < n; i++) {
      logs.append("1764028800.").append(i % 1000).append(" 5 ").append(ip(r))
          .append(" TCP_MISS/200 100 GET http://t.example/ - HIER_DIRECT/8.8.8.8 text/html\n");
      inventory.append(ip(r)).append(':').append(1 + r.nextInt(65535)).append('\n');
    }
  }

  /**
   * A gzip file cut short (a log copied mid-rotation) in both feeds: the lines before the cut are
   * read, the cut is one TRUNCATED_INPUT reject of its file, and the run goes on. The task failed
   * with "Unexpected end of input stream" on every retry, and the run with it.
   */
  @Test
  void aTruncatedGzipIsOneRejectNotAFailedRun(@TempDir Path dir) throws Exception {
    Random r = new Random(24);
    StringBuilder logs = new StringBuilder();
    StringBuilder inventory = new StringBuilder();
    squidAndPlainLines(r, 20_000, logs, inventory);
    Path req = dir.resolve("req/cut.log.gz");
    Path inv = dir.resolve("inv/cut.txt.gz");
    Files.createDirectories(req.getParent());
    Files.createDirectories(inv.getParent());
    for (Map.Entry<Path, StringBuilder> f : Map.of(req, logs, inv, inventory).entrySet()) {
      byte[] whole = gzip(b(f.getValue().toString()));
      Files.write(f.getKey(), java.util.Arrays.copyOf(whole, whole.length / 2));
    }
    Path lake = dir.resolve("lake");
    List<String> args = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString(),
        "--inventory", inv.toString(), "--requests", req.toString()));
    args.addAll(TestLakes.conf(dir));
    CliTest.Run v = CliTest.run(args.toArray(new String[0]));
    assertEquals(0, v.code(), v.err());

    JsonNode metrics = new ObjectMapper().readTree(
        lake.resolve("_metrics/dt=" + DATE + "/ingest.json").toFile());
    for (String feed : List.of("inventory", "requests")) {
      JsonNode d = metrics.path("datasets").path(feed);
      List<Row> cut = SharedSpark.get().read()
          .parquet(lake + "/rejects/dt=" + DATE + "/dataset=" + feed)
          .filter("reason = 'TRUNCATED_INPUT'").select("source_line").collectAsList();
      assertEquals(1, cut.size(), feed);
      // Every line before the cut is read and valid; the cut is the file's last record.
      assertEquals(d.path("recordsRead").asLong(), cut.get(0).getLong(0), feed);
      assertEquals(d.path("recordsRead").asLong() - 1, d.path("valid").asLong(), feed);
      assertTrue(d.path("valid").asLong() > 1000, feed + ": " + d.path("valid"));
    }
  }

  /**
   * Compressed files broken before their first line, in both feeds, with formats detected: a
   * text file named .gz ("not a gzip file") and a bzip2 file cut inside its first block. Format
   * detection on the driver threw, and the night failed before any task ran; now each is one
   * TRUNCATED_INPUT reject and the good files beside them are read.
   */
  @Test
  void aCompressedFileBrokenBeforeItsFirstLineIsOneRejectNotAFailedRun(@TempDir Path dir)
      throws Exception {
    Random r = new Random(25);
    StringBuilder logs = new StringBuilder();
    StringBuilder inventory = new StringBuilder();
    squidAndPlainLines(r, 2_000, logs, inventory);
    org.apache.hadoop.io.compress.BZip2Codec bzip2 = new org.apache.hadoop.io.compress.BZip2Codec();
    bzip2.setConf(new org.apache.hadoop.conf.Configuration(false));
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    for (String feed : List.of("req", "inv")) {
      byte[] text = b((feed.equals("req") ? logs : inventory).toString());
      java.io.ByteArrayOutputStream bz = new java.io.ByteArrayOutputStream();
      try (java.io.OutputStream out = bzip2.createOutputStream(bz)) {
        out.write(text);
      }
      files.put(feed + "/good.txt", text);
      files.put(feed + "/misnamed.txt.gz", text);
      files.put(feed + "/cut.txt.bz2", java.util.Arrays.copyOf(bz.toByteArray(), bz.size() / 2));
    }
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.createDirectories(dir.resolve(f.getKey()).getParent());
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    Path lake = dir.resolve("lake");
    List<String> args = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString(),
        "--inventory", dir.resolve("inv").toString(), "--requests", dir.resolve("req").toString()));
    args.addAll(TestLakes.conf(dir));
    CliTest.Run v = CliTest.run(args.toArray(new String[0]));
    assertEquals(0, v.code(), v.err());

    JsonNode metrics = new ObjectMapper().readTree(
        lake.resolve("_metrics/dt=" + DATE + "/ingest.json").toFile());
    for (String feed : List.of("inventory", "requests")) {
      List<Row> cut = SharedSpark.get().read()
          .parquet(lake + "/rejects/dt=" + DATE + "/dataset=" + feed)
          .filter("reason = 'TRUNCATED_INPUT'").select("source_file").collectAsList();
      assertEquals(2, cut.size(), feed + ": " + cut);
      JsonNode d = metrics.path("datasets").path(feed);
      assertEquals(2_002, d.path("recordsRead").asLong(), feed);
      assertTrue(d.path("valid").asLong() > 1_900, feed + ": " + d.path("valid"));
    }
  }

  /**
   * Numbers in Parquet columns of any numeric type read as the values they are: pandas writes an
   * integer column with a gap as float64 (port 8080.0), and an epoch timestamp as a double.
   * Cast to text they were "8080.0" and "1.764064800123E9": every row rejected.
   */
  @Test
  void parquetNumbersOfAnyTypeAreReadAsTheirValues(@TempDir Path dir) throws Exception {
    StructType invSchema = new StructType().add("ip", DataTypes.StringType)
        .add("port", DataTypes.DoubleType).add("protocol", DataTypes.StringType);
    Path inv = dir.resolve("inv-parquet");
    SharedSpark.get().createDataFrame(List.of(RowFactory.create("8.8.8.8", 8080.0, "http"),
        RowFactory.create("8.8.4.4", 3128.0, "socks5"),
        RowFactory.create("1.1.1.1", 80.5, "http")), invSchema)
        .coalesce(1).write().parquet(inv.toString());
    StructType reqSchema = new StructType().add("ts", DataTypes.DoubleType)
        .add("client_ip", DataTypes.StringType).add("proxy_ip", DataTypes.StringType)
        .add("proxy_port", DataTypes.DoubleType).add("status", DataTypes.FloatType)
        .add("elapsed_ms", DataTypes.DoubleType).add("bytes", DataTypes.LongType);
    Path req = dir.resolve("req-parquet");
    SharedSpark.get().createDataFrame(List.of(
        RowFactory.create(1764064800.123, "9.9.9.9", "8.8.8.8", 8080.0, 200f, 12.0, 100L),
        RowFactory.create(1764064801.0, "9.9.9.9", "8.8.4.4", 3128.0, 403f, 7.0, 0L),
        RowFactory.create(1764064802.5, "9.9.9.9", "8.8.8.8", 8080.0, 200f, null, null)), reqSchema)
        .coalesce(1).write().parquet(req.toString());

    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    assertEquals(2, metrics.path("datasets").path("inventory").path("valid").asLong(),
        "the whole ports; 80.5 is no port");
    assertEquals(3, metrics.path("datasets").path("requests").path("valid").asLong());
    List<Row> first = SharedSpark.get().read().parquet(lake + "/requests/dt=" + DATE)
        .orderBy("ts").select("ts", "proxy_port").limit(1).collectAsList();
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-11-25T10:00:00.123Z")),
        first.get(0).getTimestamp(0));
    assertEquals(8080, first.get(0).getInt(1));
  }

  /**
   * One feed's Parquet files need not agree on their columns' types: a supplier's port is an
   * integer in one file, text in the next (pandas), a list in a broken export. Read as one
   * dataset they were read by the first file's schema, and the others failed their tasks
   * ("Parquet column cannot be converted") and the night with them.
   */
  @Test
  void parquetFilesOfOneFeedNeedNotAgreeOnTypes(@TempDir Path dir) throws Exception {
    Path inv = dir.resolve("inv-parquet");
    java.util.function.BiConsumer<String, org.apache.spark.sql.Dataset<Row>> file =
        (name, rows) -> rows.coalesce(1).write().parquet(inv.resolve(name).toString());
    file.accept("int", SharedSpark.get().createDataFrame(List.of(RowFactory.create("8.8.8.8",
        8080)), new StructType().add("ip", DataTypes.StringType).add("port", DataTypes.IntegerType)));
    file.accept("text", SharedSpark.get().createDataFrame(List.of(RowFactory.create("8.8.4.4",
        "3128", "socks5")), new StructType().add("ip", DataTypes.StringType)
        .add("port", DataTypes.StringType).add("protocol", DataTypes.StringType)));
    file.accept("nested", SharedSpark.get().sql("SELECT '1.1.1.1' AS ip, array(1, 2) AS port, "
        + "named_struct('a', 1) AS protocol"));
    file.accept("no-address", SharedSpark.get().sql("SELECT 80 AS port"));
    StructType reqA = new StructType().add("ts", DataTypes.LongType)
        .add("client_ip", DataTypes.StringType).add("proxy_ip", DataTypes.StringType)
        .add("proxy_port", DataTypes.IntegerType).add("status", DataTypes.IntegerType);
    StructType reqB = new StructType().add("ts", DataTypes.StringType)
        .add("client_ip", DataTypes.StringType).add("proxy_ip", DataTypes.StringType)
        .add("proxy_port", DataTypes.StringType).add("status", DataTypes.StringType);
    Path req = dir.resolve("req-parquet");
    SharedSpark.get().createDataFrame(List.of(RowFactory.create(1764064800L, "9.9.9.9",
        "8.8.8.8", 8080, 200)), reqA).coalesce(1).write().parquet(req.resolve("a").toString());
    SharedSpark.get().createDataFrame(List.of(RowFactory.create("1764064801", "9.9.9.9",
        "8.8.4.4", "3128", "403")), reqB).coalesce(1).write().parquet(req.resolve("b").toString());

    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    JsonNode inventory = metrics.path("datasets").path("inventory");
    assertEquals(4, inventory.path("recordsRead").asLong(), inventory.toString());
    assertEquals(2, inventory.path("valid").asLong(), inventory.toString());
    assertEquals(2, inventory.path("rejected").asLong(), inventory.toString());
    assertEquals(2, metrics.path("datasets").path("requests").path("valid").asLong(),
        metrics.toString());
    // Each reject says which field and why, with the value as the file holds it.
    List<Row> rejects = TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REJECTS, "inventory")
        .orderBy("source_file").select("reason", "raw").collectAsList();
    assertEquals(2, rejects.size(), rejects.toString());
    for (Row r : rejects) {
      assertTrue(r.getString(0) != null && !r.getString(0).isEmpty(), r.toString());
    }
  }

  @Test
  void aParquetFileWithACorruptPageIsOneRejectNotAFailedRun(@TempDir Path dir) throws Exception {
    // A footer that reads but a page that does not (found with a page header overwritten):
    // Spark's error failed the task on every retry, and the night with it.
    Path inv = dir.resolve("inv-parquet");
    Path req = dir.resolve("req-parquet");
    long invRows = 3_000;
    long reqRows = 3_000;
    Path invFile = parquetOfRowGroups(SharedSpark.get().sql("SELECT concat('8.8.', "
        + "cast(floor(id / 250) AS STRING), '.', cast(id % 250 + 1 AS STRING)) AS ip, "
        + "8080 AS port FROM range(" + invRows + ")"), inv);
    Path reqFile = requestsParquet(req, reqRows);
    long invLost = corruptLastRowGroup(invFile);
    long reqLost = corruptLastRowGroup(reqFile);
    // Spark names a Parquet row's file by its URI ("%20" for a space); the plan by its path.
    Path spaced = reqFile.resolveSibling("requests of 25+26 100%.parquet");
    Files.move(reqFile, spaced);

    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    for (String feed : List.of("inventory", "requests")) {
      long rows = feed.equals("inventory") ? invRows : reqRows;
      long lost = feed.equals("inventory") ? invLost : reqLost;
      JsonNode m = metrics.path("datasets").path(feed);
      // The rows before the break are read and valid; the rest is one reject, as a cut gzip.
      assertEquals(rows - lost + 1, m.path("recordsRead").asLong(), m.toString());
      assertEquals(rows - lost, m.path("valid").asLong(), m.toString());
      assertEquals(1, m.path("rejected").asLong(), m.toString());
      List<Row> rejects = TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REJECTS, feed)
          .select("reason", "detail", "source_line").collectAsList();
      assertEquals(1, rejects.size(), rejects.toString());
      assertEquals("TRUNCATED_INPUT", rejects.get(0).getString(0));
      assertTrue(rejects.get(0).getString(1).contains(String.format(java.util.Locale.ROOT, "%,d of its %,d rows", lost,
          rows)), rejects.toString());
      assertEquals(rows + 1, rejects.get(0).getLong(2), rejects.toString());
      // The rows the reject stands for count in the gate as rejected rows.
      assertEquals((1.0 + lost) / (rows + 1), m.path("rejectRate").asDouble(), 1e-6,
          m.toString());
      assertEquals(lost, m.path("files").get(0).path("rowsUnread").asLong(), m.toString());
    }
    assertTrue(TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REJECTS, "requests")
        .first().getAs("source_file").toString().endsWith("/requests of 25+26 100%.parquet"));
  }

  @Test
  void aParquetFileThatFailsOnceFailsTheRunInsteadOfLosingItsRows(@TempDir Path dir)
      throws Exception {
    // Skipping the rest of a file is right for a corrupt one only: a file whose read failed
    // in the pass but reads whole on a second try lost its rows to the storage, not to its
    // data, and a reject would drop them for ever.
    assertTheRunFailsIfBeforeTheSecondRead(dir, (file, whole) -> Files.write(file, whole),
        "read whole on a second try");
  }

  @Test
  void aParquetFileShortOfRowsForAnotherReasonThanItsDataFailsTheRun(@TempDir Path dir)
      throws Exception {
    // Only a failure on the file's bytes makes it a reject: a file gone, access denied or a
    // lost executor on the second read would turn its rows into a reject for ever.
    assertTheRunFailsIfBeforeTheSecondRead(dir, (file, whole) -> Files.delete(file),
        "not on its data");
  }

  private interface FileChange {
    void apply(Path file, byte[] whole) throws java.io.IOException;
  }

  /**
   * A requests file with a corrupt row group, changed by {@code change} (given its bytes before
   * the damage) after the pass and before the job reads it again: the run must fail naming it,
   * with {@code why}, and commit nothing.
   */
  private static void assertTheRunFailsIfBeforeTheSecondRead(Path dir, FileChange change,
      String why) throws Exception {
    Path req = dir.resolve("req-parquet");
    Path reqFile = requestsParquet(req, 3000);
    byte[] whole = Files.readAllBytes(reqFile);
    corruptLastRowGroup(reqFile);
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    io.ippipe.jobs.run.Faults.at("ingest.requests.before-reconcile", written -> {
      try {
        change.apply(reqFile, whole);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      CliTest.Run r = ingest(dir, dir.resolve("lake"), inv, req);
      assertTrue(r.code() != 0, r.err());
      assertTrue(r.err().contains(reqFile.getFileName().toString()) && r.err().contains(why),
          r.err());
      assertFalse(Files.exists(dir.resolve("lake/requests/dt=" + DATE)),
          "a day that lost rows was committed");
    } finally {
      io.ippipe.jobs.run.Faults.clear();
    }
  }

  @Test
  void aParquetDictionaryIdOutOfRangeIsARejectNotAFailedRun(@TempDir Path dir) throws Exception {
    // Dictionary ids are decoded lazily, when a row's value is taken: an id past the dictionary
    // fails there, outside the reader, in whatever reads the row.
    Path inv = dir.resolve("inv-parquet");
    SharedSpark.get().sql("SELECT concat('8.8.8.', cast(id % 200 + 1 AS STRING)) AS ip, "
        + "8080 AS port FROM range(1000)").coalesce(1).write().option("compression", "none")
        .parquet(inv.toString());
    Path invFile;
    try (var files = Files.list(inv)) {
      List<Path> all = files.toList();
      for (Path crc : all) {
        if (crc.getFileName().toString().endsWith(".crc")) {
          Files.delete(crc);
        }
      }
      invFile = all.stream().filter(f -> f.toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
    }
    org.apache.parquet.hadoop.metadata.ColumnChunkMetaData ip;
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(invFile.toString()),
            new org.apache.hadoop.conf.Configuration()))) {
      ip = reader.getFooter().getBlocks().get(0).getColumns().get(0);
    }
    byte[] bytes = Files.readAllBytes(invFile);
    // A good file beside it: small files share a task unless told not to, and the rest of a
    // task's input after the failure would go unread with it.
    Files.write(inv.resolve("zz-good.parquet"), bytes);
    int page = (int) ip.getFirstDataPageOffset();
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes, page,
        bytes.length - page);
    org.apache.parquet.format.PageHeader header = org.apache.parquet.format.Util.readPageHeader(in);
    int data = bytes.length - in.available();
    assertEquals(org.apache.parquet.format.Encoding.PLAIN_DICTIONARY,
        header.getData_page_header().getEncoding(), header.toString());
    int levels = java.nio.ByteBuffer.wrap(bytes, data, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .getInt();
    int ids = data + 4 + levels;
    bytes[ids] = 20; // bit width
    bytes[ids + 1] = 3; // one bit-packed group of 8 ids
    java.util.Arrays.fill(bytes, ids + 2, ids + 22, (byte) 0xFF);
    // Then the page's other ids as one run of id 0, so that the runs themselves are whole.
    int rest = (header.getData_page_header().getNum_values() - 8) << 1;
    int at = ids + 22;
    for (; rest >= 0x80; rest >>>= 7) {
      bytes[at++] = (byte) (rest | 0x80);
    }
    bytes[at++] = (byte) rest;
    java.util.Arrays.fill(bytes, at, at + 3, (byte) 0);
    Files.write(invFile, bytes);

    Path req = dir.resolve("req.log");
    Files.writeString(req, "");
    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    List<Row> rejects = TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REJECTS, "inventory")
        .select("reason", "detail").collectAsList();
    List<Row> broken = rejects.stream().filter(x -> x.getString(0).equals("TRUNCATED_INPUT"))
        .toList();
    assertEquals(1, broken.size(), rejects.toString());
    assertTrue(broken.get(0).getString(1).contains(" of its 1,000 rows could not be read")
        && broken.get(0).getString(1).contains("ArrayIndexOutOfBoundsException"),
        broken.toString());
    // Every row of the good file was read: 200 addresses, each listed 5 times per file.
    JsonNode files = metrics.path("datasets").path("inventory").path("files");
    boolean goodRead = false;
    for (JsonNode f : files) {
      if (f.path("file").asText().endsWith("zz-good.parquet")) {
        goodRead = f.path("recordsRead").asLong() == 1000 && f.path("valid").asLong() == 1000;
      }
    }
    assertTrue(goodRead, files.toString());
  }

  @Test
  void parquetFilesWithFlippedBytesAreReadUpToTheDamageNeverAFailedRun(@TempDir Path dir)
      throws Exception {
    // Bytes flipped at random in the pages of Parquet files of three codecs, each file of one
    // feed: the seeds on which a second read failed in ways a list of Parquet's exceptions did
    // not know (an index past an in-memory buffer, "Expected 161 values in column chunk", a gzip
    // CRC failure, an EOF of a buffer, an index past a dictionary without a stack trace), each
    // of which failed the run. Every row is valid, a reject, or one a reject stands for.
    Map<String, int[]> seeds = new LinkedHashMap<>();
    seeds.put("none", new int[] {4, 6, 9});
    seeds.put("snappy", new int[] {2, 17, 23});
    seeds.put("gzip", new int[] {0, 15, 23});
    Path req = dir.resolve("req-parquet");
    Files.createDirectories(req);
    for (Map.Entry<String, int[]> codec : seeds.entrySet()) {
      Path base = dir.resolve("base-" + codec.getKey());
      SharedSpark.get().sql("SELECT 1764064800 + id AS ts, concat('9.9.', "
          + "cast(id % 50 AS STRING), '.1') AS client_ip, concat('8.8.', cast(id % 7 AS STRING), "
          + "'.8') AS proxy_ip, 8080 + id % 3 AS proxy_port, IF(id % 5 = 0, 403, 200) AS status, "
          + "id * 17 % 1000 AS bytes FROM range(4000)").coalesce(1).write()
          .option("compression", codec.getKey()).option("parquet.block.size", 8192)
          .parquet(base.toString());
      byte[] whole;
      try (var files = Files.list(base)) {
        whole = Files.readAllBytes(files.filter(f -> f.toString().endsWith(".parquet"))
            .findFirst().orElseThrow());
      }
      int footerLength = java.nio.ByteBuffer.wrap(whole, whole.length - 8, 4)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
      int pagesEnd = whole.length - 8 - footerLength;
      for (int seed : codec.getValue()) {
        Random r = new Random(seed * 31L + codec.getKey().hashCode());
        byte[] bytes = whole.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
          int at = 4 + r.nextInt(pagesEnd - 4);
          bytes[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : bytes[at] ^ (1 << r.nextInt(8)));
        }
        Files.write(req.resolve(codec.getKey() + "-" + seed + ".parquet"), bytes);
      }
    }
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    JsonNode files = metrics.path("datasets").path("requests").path("files");
    assertEquals(9, files.size(), files.toString());
    int damaged = 0;
    for (JsonNode f : files) {
      long cut = f.path("rejectedByReason").path("TRUNCATED_INPUT").asLong();
      assertEquals(4000, f.path("recordsRead").asLong() - cut + f.path("rowsUnread").asLong(),
          f.toString());
      damaged += cut > 0 ? 1 : 0;
    }
    assertTrue(damaged >= 8, files.toString());
  }

  @Test
  void aParquetFooterThatPlacesAChunkOutsideTheFileIsARejectNotAFailedRun(@TempDir Path dir)
      throws Exception {
    // The reader seeks where the footer says and fails in its storage read, which is no failure
    // of the data to the pass: the run failed, naming the file, on every try.
    Path req = dir.resolve("req-parquet");
    Path reqFile = requestsParquet(req, 3000);
    long length = Files.size(reqFile);
    rewriteFooter(reqFile, footer -> {
      org.apache.parquet.format.ColumnMetaData meta = footer.getRow_groups().get(1).getColumns()
          .get(0).getMeta_data();
      meta.unsetDictionary_page_offset();
      meta.setData_page_offset(length + 4096);
    });
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    Path lake = dir.resolve("lake");
    ingestParquet(dir, lake, inv, req);
    String detail = theOneTruncatedReject(lake, "requests");
    assertTrue(detail.contains("row group 1, column ts: the footer places it at bytes"), detail);
  }

  /** Rewrites {@code file}'s footer as {@code change} makes it, the pages as they are. */
  private static void rewriteFooter(Path file,
      java.util.function.Consumer<org.apache.parquet.format.FileMetaData> change) throws Exception {
    rewrite(file, (footer, bytes, pagesEnd) -> {
      change.accept(footer);
      return new byte[0];
    });
  }

  /** A change of a Parquet file: its footer edited, and the bytes to add after its pages. */
  private interface Rewrite {
    byte[] apply(org.apache.parquet.format.FileMetaData footer, byte[] bytes, int pagesEnd)
        throws Exception;
  }

  private static void rewrite(Path file, Rewrite change) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    int footerLength = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = bytes.length - 8 - footerLength;
    org.apache.parquet.format.FileMetaData footer = org.apache.parquet.format.Util
        .readFileMetaData(new java.io.ByteArrayInputStream(bytes, footerStart, footerLength));
    byte[] added = change.apply(footer, bytes, footerStart);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, footerStart);
    out.write(added);
    ByteArrayOutputStream newFooter = new ByteArrayOutputStream();
    org.apache.parquet.format.Util.writeFileMetaData(footer, newFooter);
    out.write(newFooter.toByteArray());
    out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(newFooter.size()).array());
    out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, out.toByteArray());
  }

  /**
   * Timestamps as other writers store them are read as the instants they are. pandas writes
   * nanoseconds, TIMESTAMP(NANOS), which Spark refuses to read: the night failed with "Illegal
   * Parquet type". pandas and DuckDB write a time without a zone as not adjusted to UTC (read
   * as UTC, as a Squid log's epoch is); Java writers often write milliseconds.
   */
  @Test
  void parquetTimestampsOfEveryUnitAndZoneAreReadAsTheirInstants(@TempDir Path dir)
      throws Exception {
    Path req = dir.resolve("req-parquet");
    Files.createDirectories(req);
    timestampParquet(req.resolve("nanos-utc.parquet"), "NANOS,true", 1764064800_123456789L);
    timestampParquet(req.resolve("nanos-local.parquet"), "NANOS,false", 1764064801_500000000L);
    timestampParquet(req.resolve("micros-local.parquet"), "MICROS,false", 1764064802_250000L);
    timestampParquet(req.resolve("millis-utc.parquet"), "MILLIS,true", 1764064803_250L);
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    Path lake = dir.resolve("lake");
    JsonNode m = ingestParquet(dir, lake, inv, req).path("datasets").path("requests");
    assertEquals(4, m.path("valid").asLong(), m.toString());
    List<java.time.Instant> read = TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REQUESTS)
        .orderBy("ts").select("ts").collectAsList().stream()
        .map(r -> r.getTimestamp(0).toInstant()).toList();
    assertEquals(List.of(java.time.Instant.parse("2025-11-25T10:00:00.123456Z"),
        java.time.Instant.parse("2025-11-25T10:00:01.5Z"),
        java.time.Instant.parse("2025-11-25T10:00:02.25Z"),
        java.time.Instant.parse("2025-11-25T10:00:03.25Z")), read);
  }

  /**
   * Columns of types Spark cannot read (UUID, TIME) do not stop a file being read: a gateway's
   * request id as a UUID failed the night ("Illegal Parquet type") though no field needs it. A
   * field of such a type refuses its file, one reject: read as a text naming its type, a
   * supplier would have been that text. Names are the footer's, case and all: a file with
   * both "ip" and "IP" failed each read ("Found duplicate field(s)"), its rows a reject.
   */
  @Test
  void parquetColumnsOfTypesSparkCannotReadAreNoFailedRun(@TempDir Path dir) throws Exception {
    Path req = dir.resolve("req-parquet");
    Files.createDirectories(req);
    byte[] uuid = new byte[16];
    parquetOf(req.resolve("uuid-and-time.parquet"), "message request { required int64 ts; "
        + "required fixed_len_byte_array(16) request_id (UUID); "
        + "required int64 time_of_day (TIME(MICROS,true)); required binary client_ip (STRING); "
        + "required binary proxy_ip (STRING); required int32 proxy_port; "
        + "required int32 status; }", g -> g.append("ts", 1764064800L)
            .append("request_id", org.apache.parquet.io.api.Binary.fromConstantByteArray(uuid))
            .append("time_of_day", 36_000_000_000L).append("client_ip", "9.9.9.9")
            .append("proxy_ip", "8.8.8.8").append("proxy_port", 8080).append("status", 200));
    parquetOf(req.resolve("ts-as-time.parquet"), "message request { "
        + "required int64 ts (TIME(MICROS,true)); required binary client_ip (STRING); "
        + "required binary proxy_ip (STRING); required int32 proxy_port; "
        + "required int32 status; }", g -> g.append("ts", 36_000_000_000L)
            .append("client_ip", "9.9.9.9").append("proxy_ip", "8.8.8.8")
            .append("proxy_port", 8080).append("status", 200));
    Path inv = dir.resolve("inv-parquet");
    Files.createDirectories(inv);
    parquetOf(inv.resolve("supplier-uuid.parquet"), "message proxy { required binary ip "
        + "(STRING); required int32 port; required fixed_len_byte_array(16) supplier (UUID); }",
        g -> g.append("ip", "8.8.4.4").append("port", 3128)
            .append("supplier", org.apache.parquet.io.api.Binary.fromConstantByteArray(uuid)));
    parquetOf(inv.resolve("ip-and-IP.parquet"), "message proxy { required binary ip (STRING); "
        + "required binary IP (STRING); required int32 port; }",
        g -> g.append("ip", "8.8.8.8").append("IP", "not this one").append("port", 8080));
    Path lake = dir.resolve("lake");
    JsonNode m = ingestParquet(dir, lake, inv, req).path("datasets");
    assertEquals(2, m.path("requests").path("recordsRead").asLong(), m.toString());
    assertEquals(1, m.path("requests").path("valid").asLong(), m.toString());
    assertTrue(theOneTruncatedReject(lake, "requests").startsWith("1 of its 1 rows could not "
        + "be read: its column ts is of a type Spark cannot read (required int64 ts (TIME("),
        m.toString());
    assertEquals(1, m.path("inventory").path("valid").asLong(), m.toString());
    assertTrue(theOneTruncatedReject(lake, "inventory").contains("its column supplier is of a "
        + "type Spark cannot read"), m.toString());
  }

  /** One row as a Parquet file of parquet-mr's, of {@code schema}, its values {@code row}'s. */
  private static void parquetOf(Path file, String schema,
      java.util.function.UnaryOperator<org.apache.parquet.example.data.Group> row)
      throws Exception {
    org.apache.parquet.schema.MessageType type =
        org.apache.parquet.schema.MessageTypeParser.parseMessageType(schema);
    try (var writer = org.apache.parquet.hadoop.example.ExampleParquetWriter
        .builder(new org.apache.hadoop.fs.Path(file.toString())).withType(type).build()) {
      writer.write(row.apply(
          new org.apache.parquet.example.data.simple.SimpleGroupFactory(type).newGroup()));
    }
  }

  /** One request as a Parquet file of parquet-mr's, its ts an INT64 TIMESTAMP({@code unit}). */
  private static void timestampParquet(Path file, String unit, long ts) throws Exception {
    parquetOf(file, "message request { required int64 ts (TIMESTAMP(" + unit + ")); "
        + "required binary client_ip (STRING); required binary proxy_ip (STRING); "
        + "required int32 proxy_port; required int32 status; }", g -> g.append("ts", ts)
            .append("client_ip", "9.9.9.9").append("proxy_ip", "8.8.8.8")
            .append("proxy_port", 8080).append("status", 200));
  }

  @Test
  void aParquetTimestampBefore1900FromAnotherWriterIsReadNotAFailedRun(@TempDir Path dir)
      throws Exception {
    // A file not written by Spark 3 (no Spark version in its footer) with a timestamp before
    // 1582: Spark's default refused the whole read (SparkUpgradeException).
    Path req = dir.resolve("req-parquet");
    org.apache.spark.sql.SparkSession spark = SharedSpark.get();
    String mode = spark.conf().get("spark.sql.parquet.datetimeRebaseModeInWrite");
    spark.conf().set("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED");
    Path reqFile;
    try {
      reqFile = parquetOfRowGroups(spark.sql("SELECT * FROM VALUES "
          + "(timestamp'1500-01-01 00:00:00', '9.9.9.9', '8.8.8.8', 8080, 200), "
          + "(timestamp'2026-11-25 10:00:00', '9.9.9.9', '8.8.8.8', 8080, 200) "
          + "AS t(ts, client_ip, proxy_ip, proxy_port, status)"), req);
    } finally {
      spark.conf().set("spark.sql.parquet.datetimeRebaseModeInWrite", mode);
    }
    rewriteFooter(reqFile, footer -> {
      footer.unsetKey_value_metadata();
      footer.setCreated_by("parquet-cpp-arrow version 14.0.2");
    });
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    JsonNode m = metrics.path("datasets").path("requests");
    assertEquals(2, m.path("recordsRead").asLong(), m.toString());
    assertEquals(0, m.path("files").get(0).path("rowsUnread").asLong(), m.toString());
    assertEquals(1, m.path("valid").asLong(), m.toString());
  }

  @Test
  void aParquetPageThatClaimsGigabytesIsARejectNotACrash(@TempDir Path dir) throws Exception {
    // A page header states its uncompressed size, and the reader allocates that much before it
    // decompresses a byte: a header claiming 2 GiB made every task that read it allocate 2 GiB.
    Path req = dir.resolve("req-parquet");
    Path reqFile = requestsParquet(req, 3000);
    rewriteFirstPageHeader(reqFile, h -> h.setUncompressed_page_size(Integer.MAX_VALUE - 64));
    assertRefusedWhole(dir, req, "states 2,147,483,583 bytes uncompressed");
  }

  @Test
  void aParquetDictionaryThatClaimsBillionsOfEntriesIsARejectNotACrash(@TempDir Path dir)
      throws Exception {
    // A dictionary page states its entry count, and the reader allocates an array of that many
    // before it reads one: 2^31 - 1 longs is 16 GiB.
    Path inv = dir.resolve("inv-parquet");
    Path invFile = dir.resolve("inv-parquet/part.parquet");
    SharedSpark.get().sql("SELECT concat('8.8.8.', cast(id % 200 + 1 AS STRING)) AS ip, "
        + "cast(8080 + id % 3 AS BIGINT) AS port FROM range(1000)").coalesce(1).write()
        .parquet(dir.resolve("written").toString());
    try (var files = Files.list(dir.resolve("written"))) {
      Files.createDirectories(inv);
      Files.copy(files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow(),
          invFile);
    }
    rewriteFirstPageHeader(invFile, h -> {
      assertTrue(h.isSetDictionary_page_header(), h.toString());
      h.getDictionary_page_header().setNum_values(Integer.MAX_VALUE);
    });
    Path req = dir.resolve("req.log");
    Files.writeString(req, "");
    Path lake = dir.resolve("lake");
    JsonNode metrics = ingestParquet(dir, lake, inv, req);
    String detail = theOneTruncatedReject(lake, "inventory");
    assertTrue(detail.contains("a dictionary page states 2,147,483,647 entries"), detail);
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aParquetPageWhoseLevelsEndEarlyIsARejectNotAHungNight(@TempDir Path dir)
      throws Exception {
    // Spark's decoder of a page's levels waits for the next run for ever, making no progress,
    // when the runs end before the page's values do. Found by fuzzing: one byte flipped in an
    // uncompressed file hung the night until the scheduler's timeout.
    assertRefusedWholeWithItsFirstPage(dir, "v1", (header, body) -> {
      // A page of format v1 starts with its definition levels' length: none are left.
      java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 0);
      return body;
    }, "column ts: a page's definition levels hold 0 of its ");
  }

  @Test
  void aParquetRunOfLevelsThatClaimsBillionsIsARejectNotACrash(@TempDir Path dir)
      throws Exception {
    // A bit-packed run states its count of values in its header, and Spark's decoder allocates
    // an array of that many before it reads one: 2^31 - 8 ints is 8 GiB, and an executor out
    // of memory dies with every task on it.
    assertRefusedWholeWithItsFirstPage(dir, "v1", (header, body) -> {
      int levels = java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .getInt(0);
      // A bit-packed run of 2^28 - 1 groups of 8 values: its header is the varint 2^29 - 1.
      byte[] run = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .putInt(run.length).array());
      out.writeBytes(run);
      out.write(body, 4 + levels, body.length - 4 - levels);
      return out.toByteArray();
    }, "column ts: a page's definition levels state a run of "
        + "2,147,483,640 values in 268,435,455 bytes, 0 left");
  }

  @Test
  void aParquetDeltaBlockThatClaimsBillionsIsARejectNotACrash(@TempDir Path dir)
      throws Exception {
    // A delta-encoded page (format v2) starts with its block size, and Spark's decoder
    // allocates a long per value of a miniblock from it: 2^29 - 8 longs is 4 GiB.
    assertRefusedWholeWithItsFirstPage(dir, "v2", (header, body) -> {
      assertEquals(org.apache.parquet.format.Encoding.DELTA_BINARY_PACKED,
          header.getData_page_header_v2().getEncoding(), header.toString());
      int values = header.getData_page_header_v2().getRepetition_levels_byte_length()
          + header.getData_page_header_v2().getDefinition_levels_byte_length();
      assertEquals(0x80, body[values] & 0xFF); // a block of 128 values: 0x80 0x01
      assertEquals(0x01, body[values + 1]);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(body, 0, values);
      // 2^31 - 32 values a block, in 4 miniblocks of 2^29 - 8.
      out.writeBytes(new byte[] {(byte) 0xE0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
      out.write(body, values + 2, body.length - values - 2);
      return out.toByteArray();
    }, "column ts: a page's delta-encoded values state blocks of "
        + "2,147,483,616 values");
  }

  /**
   * Asserts that a file of 3 000 requests ({@link #optionalColumnsParquet}, pages of format
   * {@code pages}) whose first data page is as {@code change} makes it is refused whole, for
   * {@code why}.
   */
  private static void assertRefusedWholeWithItsFirstPage(Path dir, String pages,
      java.util.function.BiFunction<org.apache.parquet.format.PageHeader, byte[], byte[]> change,
      String why) throws Exception {
    Path req = dir.resolve("req-parquet");
    rewriteFirstDataPage(optionalColumnsParquet(req, 3000, pages), change);
    assertRefusedWhole(dir, req, why);
  }

  /**
   * {@code n} valid requests as the one uncompressed Parquet file of {@code dir}, its columns
   * optional (so its pages hold definition levels) and without dictionaries, in pages of
   * format {@code pages} (v1 or v2).
   */
  private static Path optionalColumnsParquet(Path dir, long n, String pages) throws Exception {
    return parquetOfRowGroups(SharedSpark.get().sql("SELECT IF(id < 0, NULL, 1764064800 + id) "
        + "AS ts, '9.9.9.9' AS client_ip, '8.8.8.8' AS proxy_ip, 8080 AS proxy_port, "
        + "200 AS status FROM range(" + n + ")"), dir, "none", pages);
  }

  /**
   * Ingests {@code req}, a file of 3 000 requests, beside a one-proxy inventory, and asserts
   * the file was refused whole, as one reject whose detail holds {@code why}.
   */
  private static void assertRefusedWhole(Path dir, Path req, String why) throws Exception {
    Path inv = dir.resolve("inv.txt");
    Files.writeString(inv, "8.8.8.8:8080\n");
    Path lake = dir.resolve("lake");
    ingestParquet(dir, lake, inv, req);
    String detail = theOneTruncatedReject(lake, "requests");
    assertTrue(detail.startsWith("3,000 of its 3,000 rows could not be read")
        && detail.contains(why), detail);
  }

  /**
   * Rewrites the uncompressed {@code file} so that the first data page of its first column (no
   * dictionary) holds what {@code change} makes of its data, its header's sizes to match.
   */
  private static void rewriteFirstDataPage(Path file, java.util.function.BiFunction<
      org.apache.parquet.format.PageHeader, byte[], byte[]> change) throws Exception {
    rewriteFirstPage(file, (header, body) -> {
      assertFalse(header.isSetDictionary_page_header(), header.toString());
      byte[] changed = change.apply(header, body);
      header.setCompressed_page_size(changed.length);
      header.setUncompressed_page_size(changed.length);
      header.unsetCrc();
      return changed;
    });
  }

  /**
   * Rewrites {@code file} so that the first page of its first column has the header
   * {@code change} makes of it.
   */
  private static void rewriteFirstPageHeader(Path file,
      java.util.function.Consumer<org.apache.parquet.format.PageHeader> change) throws Exception {
    rewriteFirstPage(file, (header, body) -> {
      change.accept(header);
      return body;
    });
  }

  /**
   * Rewrites {@code file} so that the first page of its first column is what {@code change}
   * makes of its header and data (the header's sizes are the change's to set): a copy of that
   * column chunk, its first page changed, goes after the row groups, and the footer points the
   * column at it (the original bytes stay unused).
   */
  private static void rewriteFirstPage(Path file, java.util.function.BiFunction<
      org.apache.parquet.format.PageHeader, byte[], byte[]> change) throws Exception {
    rewrite(file, (footer, bytes, pagesEnd) -> {
      org.apache.parquet.format.ColumnChunk chunk =
          footer.getRow_groups().get(0).getColumns().get(0);
      org.apache.parquet.format.ColumnMetaData meta = chunk.getMeta_data();
      int start = (int) (meta.isSetDictionary_page_offset() ? meta.getDictionary_page_offset()
          : meta.getData_page_offset());
      int length = (int) meta.getTotal_compressed_size();
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes, start, length);
      org.apache.parquet.format.PageHeader header =
          org.apache.parquet.format.Util.readPageHeader(in);
      int bodyStart = start + length - in.available();
      int bodyEnd = bodyStart + header.getCompressed_page_size();
      byte[] body = change.apply(header, java.util.Arrays.copyOfRange(bytes, bodyStart, bodyEnd));
      ByteArrayOutputStream changed = new ByteArrayOutputStream();
      org.apache.parquet.format.Util.writePageHeader(header, changed);
      changed.write(body);
      changed.write(bytes, bodyEnd, start + length - bodyEnd);
      int shift = changed.size() - length;
      meta.setTotal_compressed_size(changed.size());
      if (meta.getCodec() == org.apache.parquet.format.CompressionCodec.UNCOMPRESSED) {
        meta.setTotal_uncompressed_size(changed.size());
      }
      if (meta.isSetDictionary_page_offset()) {
        meta.setDictionary_page_offset(pagesEnd);
        meta.setData_page_offset(pagesEnd + (meta.getData_page_offset() - start) + shift);
      } else {
        meta.setData_page_offset(pagesEnd);
      }
      chunk.unsetOffset_index_offset();
      chunk.unsetOffset_index_length();
      chunk.unsetColumn_index_offset();
      chunk.unsetColumn_index_length();
      return changed.toByteArray();
    });
  }

  /** The detail of the feed's one reject, which must be TRUNCATED_INPUT. */
  private static String theOneTruncatedReject(Path lake, String feed) {
    List<Row> rejects = TestLakes.table(lake, io.ippipe.jobs.lake.Tables.REJECTS, feed)
        .select("reason", "detail").collectAsList();
    assertEquals(1, rejects.size(), rejects.toString());
    assertEquals("TRUNCATED_INPUT", rejects.get(0).getString(0), rejects.toString());
    return rejects.get(0).getString(1);
  }

  /** {@code n} valid requests as the one Parquet file of {@code dir}, in small row groups. */
  private static Path requestsParquet(Path dir, long n) throws Exception {
    return parquetOfRowGroups(SharedSpark.get().sql("SELECT 1764064800 + id AS ts, "
        + "'9.9.9.9' AS client_ip, '8.8.8.8' AS proxy_ip, 8080 AS proxy_port, 200 AS status "
        + "FROM range(" + n + ")"), dir);
  }

  /** {@code rows} as the one Parquet file of {@code dir}, in row groups of a few hundred rows. */
  private static Path parquetOfRowGroups(org.apache.spark.sql.Dataset<Row> rows, Path dir)
      throws Exception {
    return parquetOfRowGroups(rows, dir, "snappy", "v1");
  }

  private static Path parquetOfRowGroups(org.apache.spark.sql.Dataset<Row> rows, Path dir,
      String codec, String pages) throws Exception {
    rows.coalesce(1).write().option("parquet.block.size", 4096).option("compression", codec)
        .option("parquet.writer.version", pages.equals("v2") ? "PARQUET_2_0" : "PARQUET_1_0")
        .option("parquet.enable.dictionary", "false").parquet(dir.toString());
    // The local file system's checksum side files would catch the damage before Parquet does;
    // object storage has none.
    try (var files = Files.list(dir)) {
      for (Path crc : files.filter(f -> f.getFileName().toString().endsWith(".crc")).toList()) {
        Files.delete(crc);
      }
    }
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  /**
   * Overwrites the first page header of the file's last row group with bytes that are no page
   * header (the footer stays intact); returns that row group's rows.
   */
  private static long corruptLastRowGroup(Path file) throws Exception {
    List<org.apache.parquet.hadoop.metadata.BlockMetaData> blocks;
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(file.toString()),
            new org.apache.hadoop.conf.Configuration()))) {
      blocks = reader.getFooter().getBlocks();
    }
    assertTrue(blocks.size() >= 3, "row groups: " + blocks.size());
    org.apache.parquet.hadoop.metadata.BlockMetaData last = blocks.get(blocks.size() - 1);
    try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.seek(last.getColumns().get(0).getStartingPos());
      byte[] junk = new byte[16];
      java.util.Arrays.fill(junk, (byte) 0xFF);
      f.write(junk);
    }
    return last.getRowCount();
  }

  /** Ingests the two inputs into {@code lake}, any reject rate allowed. */
  private static CliTest.Run ingest(Path dir, Path lake, Path inv, Path req) throws Exception {
    List<String> args = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString(),
        "--inventory", inv.toString(), "--requests", req.toString()));
    args.addAll(TestLakes.conf(dir, "validate.max_reject_rate=1.0"));
    return CliTest.run(args.toArray(new String[0]));
  }

  /** Ingests the two inputs into {@code lake}, asserts exit 0, returns its metrics. */
  private static JsonNode ingestParquet(Path dir, Path lake, Path inv, Path req) throws Exception {
    CliTest.Run v = ingest(dir, lake, inv, req);
    assertEquals(0, v.code(), v.err());
    return new ObjectMapper().readTree(lake.resolve("_metrics/dt=" + DATE + "/ingest.json")
        .toFile());
  }
}
