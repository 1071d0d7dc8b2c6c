package io.ippipe.jobs.cli;

import io.ippipe.common.crypto.Hex;
import io.ippipe.common.crypto.IpCipher;
import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.KeySources;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.SchemeKeys;
import io.ippipe.common.crypto.TextCipher;
import io.ippipe.common.crypto.TweakSource;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.jobs.geotag.GeoFields;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.SpecialPurpose;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ip", mixinStandardHelpOptions = true,
    description = "Single-IP tools: check, geo, encrypt, decrypt and probe need no Spark; score"
        + " reads the scores table.", subcommands = {IpCommand.Check.class, IpCommand.Geo.class,
        IpCommand.Encrypt.class, IpCommand.Decrypt.class, IpCommand.Score.class,
        IpCommand.Probe.class})
final class IpCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing a tool: give one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /**
   * An address with an optional port, as the single-IP tools take it: {@code 1.2.3.4},
   * {@code 1.2.3.4:8080}, {@code [2001:db8::1]:1080} or {@code 2001:db8::1}. The address is any
   * IP literal (these tools look up and check, they do not validate an inventory); ip is canonical.
   */
  record Endpoint(String ip, Integer port) {
    static Endpoint parse(String text, boolean portRequired) {
      String host = text;
      String portText = null;
      int colon = text.lastIndexOf(':');
      if (text.startsWith("[") && text.contains("]:")) {
        host = text.substring(1, text.indexOf(']'));
        portText = text.substring(text.indexOf("]:") + 2);
      } else if (colon > 0 && text.indexOf(':') == colon) {
        host = text.substring(0, colon);
        portText = text.substring(colon + 1);
      }
      String shape = portRequired ? "IP:PORT (IPv6 in brackets)" : "IP[:PORT]";
      IpParser parser = new IpParser();
      if (!parser.parse(host)) {
        throw new ConfigException("'" + text + "' is not " + shape + ": " + parser.error().name());
      }
      Integer port = null;
      if (portText != null) {
        io.ippipe.common.input.Parsed<Integer> p =
            io.ippipe.common.input.Endpoints.port(portText, 0, portText.length());
        if (!p.isValid()) {
          throw new ConfigException("Port '" + portText + "': " + p.detail());
        }
        port = p.value();
      } else if (portRequired) {
        throw new ConfigException("'" + text + "' is not " + shape + ": no port");
      }
      return new Endpoint(new IpAddress(parser.hi(), parser.lo(), parser.version()).toString(),
          port);
    }
  }

  /** The arguments, or when there are none, stdin's lines (stripped). */
  static List<String> argumentsOrStdin(List<String> arguments) throws java.io.IOException {
    if (!arguments.isEmpty()) {
      return arguments;
    }
    List<String> lines = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      lines.add(line.strip());
    }
    return lines;
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Canonical form, version and class (or reject reason) of each IP.",
          "Reads the arguments, or stdin one per line. Output: TSV input, canonical, version,"
              + " class; or --json."})
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "IP", description = "Addresses; none means read stdin.")
    List<String> ips = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<String> inputs = argumentsOrStdin(ips);
      IpParser parser = new IpParser();
      PrintStream out = System.out;
      for (String s : inputs) {
        String canonical = "";
        String version = "";
        String klass;
        boolean valid = parser.parse(s);
        if (valid) {
          IpAddress ip = new IpAddress(parser.hi(), parser.lo(), parser.version());
          canonical = ip.toString();
          version = Integer.toString(ip.version());
          SpecialPurpose.Entry e = SpecialPurpose.classify(ip);
          klass = e.label();
          if (json) {
            out.printf("{\"input\":%s,\"valid\":true,\"ip\":\"%s\",\"version\":%s,\"class\":\"%s\","
                    + "\"globally_reachable\":%s,\"registry_entry\":%s}%n", quote(s), canonical, version,
                klass, e.globallyReachable(), e == SpecialPurpose.Entry.GLOBAL ? "null" : quote(e.describe()));
            continue;
          }
        } else {
          klass = parser.error().name();
          if (json) {
            out.printf("{\"input\":%s,\"valid\":false,\"reason\":\"%s\"}%n", quote(s), klass);
            continue;
          }
        }
        out.println(tsv(s) + "\t" + canonical + "\t" + version + "\t" + klass);
      }
      out.flush();
      return 0;
    }

    private static String tsv(String s) {
      return s.replace('\t', ' ');
    }

    private static String quote(String s) {
      StringBuilder sb = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
  }

  /** Options and the stdin loop shared by ip encrypt and ip decrypt. */
  abstract static class CipherTool implements Callable<Integer> {
    @Option(names = "--scheme", required = true, description = "One of: ${COMPLETION-CANDIDATES}.",
        converter = SchemeConverter.class, completionCandidates = SchemeIds.class)
    Scheme scheme;

    @Option(names = "--key-file", required = true,
        description = "Hex key file, mode 0600 (ippipe keygen writes one).")
    Path keyFile;

    @Option(names = "--derive", description = "The key file holds a master key: derive the "
        + "scheme key with HKDF, as crypto.key_derivation=hkdf does.")
    boolean derive;

    abstract String apply(TextCipher cipher, String line);

    TweakSource tweaks() {
      return null;
    }

    @Override
    public Integer call() throws Exception {
      byte[] material = KeySources.fromFile("key-file", keyFile);
      byte[] key = derive ? SchemeKeys.derive(material, scheme) : material;
      IpCipher ipCipher;
      try {
        ipCipher = IpCiphers.create(scheme, key, new IpCiphers.Options(true, 1 << 12, tweaks()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("Key file " + keyFile + ": " + e.getMessage()
            + (derive ? "" : " (pass --derive if it is a master key)"));
      } finally {
        java.util.Arrays.fill(material, (byte) 0);
        java.util.Arrays.fill(key, (byte) 0);
      }
      TextCipher cipher = new TextCipher(ipCipher, 1 << 12);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      PrintStream out = System.out;
      int errors = 0;
      for (String line; (line = in.readLine()) != null; ) {
        String result = apply(cipher, line.strip());
        if (result == null) {
          errors++;
          out.println("error: " + cipher.error());
        } else {
          out.println(result);
        }
      }
      out.flush();
      return errors == 0 ? 0 : 1;
    }
  }

  @Command(name = "encrypt", mixinStandardHelpOptions = true,
      description = {"Encrypt one IP per stdin line; print one result per line, in order.",
          "A bad line prints 'error: REASON' and the tool exits 1 at the end.",
          "nd and ndx print lowercase hex of tweak || ciphertext."})
  static final class Encrypt extends CipherTool {
    @Option(names = "--tweak", paramLabel = "HEX",
        description = "Fixed nd/ndx tweak, to reproduce test vectors only; default random per line.")
    String tweak;

    @Override
    TweakSource tweaks() {
      if (tweak == null) {
        return null;
      }
      if (scheme.tweakBytes() == 0) {
        throw new ConfigException("--tweak applies to ipcrypt-nd and ipcrypt-ndx only");
      }
      byte[] t;
      try {
        t = Hex.decode(tweak.strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--tweak: " + e.getMessage());
      }
      if (t.length != scheme.tweakBytes()) {
        throw new ConfigException("--tweak: " + scheme.id() + " takes a " + scheme.tweakBytes()
            + "-byte tweak (" + 2 * scheme.tweakBytes() + " hex digits), got " + t.length + " bytes");
      }
      return TweakSource.fixed(t);
    }

    @Override
    String apply(TextCipher cipher, String line) {
      return cipher.encrypt(line);
    }
  }

  @Command(name = "decrypt", mixinStandardHelpOptions = true,
      description = {"Decrypt one ciphertext per stdin line (an IP, or hex for nd/ndx).",
          "A bad line prints 'error: REASON' and the tool exits 1 at the end."})
  static final class Decrypt extends CipherTool {
    @Override
    String apply(TextCipher cipher, String line) {
      return cipher.decrypt(line);
    }
  }

  static final class SchemeConverter implements picocli.CommandLine.ITypeConverter<Scheme> {
    @Override
    public Scheme convert(String value) {
      try {
        return Scheme.fromId(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class SchemeIds extends ArrayList<String> {
    SchemeIds() {
      for (Scheme s : Scheme.values()) {
        add(s.id());
      }
    }
  }

  @Command(name = "geo", mixinStandardHelpOptions = true,
      description = {"Geo fields of each IP (arguments, or stdin one per line) from geo.sources or"
          + " geo.index: one JSON object per line, in order, with geo_status."})
  static final class Geo implements Callable<Integer> {
    @picocli.CommandLine.Mixin CommonOptions common;

    @Parameters(paramLabel = "IP", description = "Addresses; none means read stdin.")
    List<String> ips = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      io.ippipe.common.config.PipelineConfig config = common.resolve(java.util.Map.of());
      io.ippipe.common.geo.GeoCatalog catalog = io.ippipe.jobs.ingest.IngestJob.geoCatalog(config);
      List<String> inputs = argumentsOrStdin(ips);
      IpParser parser = new IpParser();
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      int invalid = 0;
      for (String s : inputs) {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("input", s);
        if (!parser.parse(s)) {
          row.put("geo_status", "invalid");
          row.put("reason", parser.error().name());
          invalid++;
        } else {
          IpAddress ip = new IpAddress(parser.hi(), parser.lo(), parser.version());
          row.put("ip", ip.toString());
          Object[] values = GeoFields.values(catalog.index(), ip.hi(), ip.lo());
          String[] fields = GeoFields.FIELDS;
          String status = (String) values[fields.length - 1];
          if (status.equals("ok")) {
            for (int i = 0; i < fields.length; i++) {
              row.put(fields[i], values[i]);
            }
          } else {
            row.put("geo_status", status);
          }
          if (status.equals("special")) {
            row.put("registry_entry", SpecialPurpose.classify(ip).describe());
          }
        }
        System.out.println(json.writeValueAsString(row));
      }
      System.out.flush();
      return invalid == 0 ? 0 : 1;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = {"A proxy's score and every component it came from, from scores/dt=D/: one"
          + " JSON object per endpoint (an address without a port matches all its ports), with the"
          + " product the score is (docs/score.md). Exit 1 when the date has no score for it."})
  static final class Score implements Callable<Integer> {
    @picocli.CommandLine.Mixin CommonOptions common;

    @Parameters(paramLabel = "IP[:PORT]", description = "1.2.3.4:8080, [2001:db8::1]:1080 or 1.2.3.4.")
    String endpoint;

    @Option(names = "--date", required = true, description = "The scored date, YYYY-MM-DD.")
    String date;

    @Option(names = "--out", required = true, description = "Output root (the lake).")
    String out;

    @Override
    public Integer call() throws Exception {
      java.time.LocalDate day = Dates.parse(date);
      Endpoint e = Endpoint.parse(endpoint, false);
      String ip = e.ip();
      Integer port = e.port();
      org.apache.spark.sql.SparkSession spark = io.ippipe.jobs.io.Sessions.getOrCreate("ippipe-ip-score", common.master);
      io.ippipe.jobs.lake.Lake lake = new io.ippipe.jobs.lake.Lake(out,
          spark.sparkContext().hadoopConfiguration());
      if (!lake.exists(io.ippipe.jobs.lake.Tables.SCORES, day)) {
        throw new io.ippipe.common.error.ConfigException("No scores for " + day + " at "
            + lake.partition(io.ippipe.jobs.lake.Tables.SCORES, day) + "; run score first");
      }
      org.apache.spark.sql.Column match = org.apache.spark.sql.functions.col("ip").equalTo(ip);
      if (port != null) {
        match = match.and(org.apache.spark.sql.functions.col("port").equalTo(port));
      }
      List<org.apache.spark.sql.Row> rows = lake.read(spark, io.ippipe.jobs.lake.Tables.SCORES, day).filter(match)
          .drop("ip_bytes").orderBy("port", "protocol").collectAsList();
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      io.ippipe.common.config.PipelineConfig settings = common.resolve(java.util.Map.of());
      for (org.apache.spark.sql.Row r : rows) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String f : r.schema().fieldNames()) {
          Object v = r.getAs(f);
          m.put(f, v == null ? null : (v instanceof Number || v instanceof Boolean) ? v : v.toString());
        }
        // The policy's two stateful rules (docs/score.md, "Policy") show in the evidence: a
        // change cuts what is carried far below the previous evidence, probation is an exclusion.
        Double previous = r.getAs("previous_evidence");
        m.put("explain", scoreTerms(r) + String.format(java.util.Locale.ROOT,
            "; evidence %.1f = %d attempts + carried %.1f%s%s; publish needs score %.1f%s%s",
            r.<Double>getAs("evidence"),
            r.getAs("attempts") == null ? 0L : r.<Long>getAs("attempts"),
            r.<Double>getAs("carried_evidence"),
            previous == null ? "" : String.format(java.util.Locale.ROOT, " (of %.1f before)", previous),
            r.getAs("evidence_successes") == null ? "" : String.format(java.util.Locale.ROOT,
                ", %.1f of it successes", r.<Double>getAs("evidence_successes")),
            settings.get(io.ippipe.common.config.Keys.PUBLISH_MIN_SCORE),
            r.getAs("bound_score") == null ? "" : String.format(java.util.Locale.ROOT,
                " and, from that score, bound %.1f",
                settings.get(io.ippipe.common.config.Keys.SCORE_MIN_BOUND_SCORE)),
            r.getAs("excluded_reason") == null ? ""
                : "; excluded: " + r.getAs("excluded_reason")));
        System.out.println(json.writeValueAsString(m));
      }
      if (rows.isEmpty()) {
        System.err.println("No score for " + endpoint + " on " + day + " in "
            + lake.partition(io.ippipe.jobs.lake.Tables.SCORES, day));
        return 1;
      }
      return 0;
    }
  }

  /**
   * The score's own terms as the row's partition computed them: the record's rate and the
   * day's discount (what the rounded score leaves of rate x factors), the bound beside it; in a
   * partition written before the two were kept, the bound's terms. The row, not today's
   * settings, says which: under score.rank = bound the score is the bound score itself.
   */
  static String scoreTerms(org.apache.spark.sql.Row r) {
    double factors = r.<Double>getAs("freshness") * r.<Double>getAs("geo_factor")
        * r.<Double>getAs("type_factor");
    String factorTerms = String.format(java.util.Locale.ROOT,
        "freshness %.3f x geo %.2f (%s) x type %.2f (%s)", r.<Double>getAs("freshness"),
        r.<Double>getAs("geo_factor"), r.getAs("geo_consistency"),
        r.<Double>getAs("type_factor"), r.getAs("type_consistency"));
    Double rate = r.getAs("record_rate");
    Double bound = r.getAs("bound_score");
    double score = r.<Double>getAs("score");
    if (rate == null || bound == null) {
      return String.format(java.util.Locale.ROOT, "score %.1f = health %.2f x %s", score,
          r.<Double>getAs("health"), factorTerms);
    }
    String boundTerms = String.format(java.util.Locale.ROOT, "bound %.1f = health %.2f x %s",
        bound, r.<Double>getAs("health"), factorTerms);
    if (bound == score) {
      return String.format(java.util.Locale.ROOT, "score %.1f = %s", score, boundTerms);
    }
    double promised = 100 * rate * factors;
    return String.format(java.util.Locale.ROOT,
        "score %.1f = 100 x record rate %.3f x the day's latency and bans %.3f x %s; %s", score,
        rate, promised > 0 ? score / promised : 1.0, factorTerms, boundTerms);
  }

  @Command(name = "probe", mixinStandardHelpOptions = true,
      description = {"One active check of one proxy through the judge, as JSON lines (one per"
          + " attempt). Exit 0 when the last attempt is ok, 1 otherwise.",
          "Credentials come from probe.credentials (supplier via --supplier), never from the"
              + " command line."})
  static final class Probe implements Callable<Integer> {
    @picocli.CommandLine.Mixin CommonOptions common;

    @Parameters(paramLabel = "HOST:PORT", description = "1.2.3.4:8080 or [2001:db8::1]:1080.")
    String endpoint;

    @Option(names = "--protocol", defaultValue = "http",
        description = "http, https (CONNECT), socks4 or socks5 (default ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--judge", paramLabel = "URL[,URL...]",
      description = "Sets probe.judge_url: the judge's URL, or one per port, comma-separated.")
    String judge;

    @Option(names = "--supplier", description = "Supplier, for its probe.credentials entry.")
    String supplier;

    @Override
    public Integer call() throws Exception {
      io.ippipe.common.config.PipelineConfig config = common.resolve(judge == null
          ? java.util.Map.of() : java.util.Map.of("probe.judge_url", judge));
      io.ippipe.jobs.probe.ProbeJob.Prepared prepared = io.ippipe.jobs.probe.ProbeJob.prepare(
          io.ippipe.jobs.io.Sessions.hadoopConf(common.master), config);
      io.ippipe.common.input.ProxyProtocol proto;
      try {
        proto = io.ippipe.common.input.ProxyProtocol.fromText(protocol);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--protocol must be http, https, socks4 or socks5, got '"
            + protocol + "'");
      }
      Endpoint e = Endpoint.parse(endpoint, true);
      io.ippipe.common.probe.ProbeTarget target = new io.ippipe.common.probe.ProbeTarget(e.ip(),
          e.port(), proto, supplier);
      // Whoever runs this tool is an operator with the credentials in hand: --supplier is an
      // operator's word, unlike the supplier column of an inventory row.
      target = target.withCredentials(prepared.credentials().forSupplier(target, supplier));
      io.ippipe.common.probe.ProxyChecker checker = new io.ippipe.common.probe.ProxyChecker(
          prepared.settings(), io.ippipe.common.probe.ProxyChecker.sharedGroup(1));
      checker.discoverOwnAddress();
      java.util.List<io.ippipe.common.probe.ProbeResult> attempts = checker.check(target).join();
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      for (io.ippipe.common.probe.ProbeResult r : attempts) {
        java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("ip", r.target().ip());
        o.put("port", r.target().port());
        o.put("protocol", r.target().protocol().text());
        o.put("attempt", r.attempt());
        o.put("outcome", r.outcome().text());
        o.put("connect_ms", r.connectMs());
        o.put("handshake_ms", r.handshakeMs());
        o.put("ttfb_ms", r.ttfbMs());
        o.put("total_ms", r.totalMs());
        o.put("http_status", r.httpStatus());
        o.put("exit_ip", r.exitIp());
        o.put("exit_ip_matches", r.exitIpMatches());
        o.put("anonymity", r.anonymity() == null ? null : r.anonymity().text());
        o.put("detail", r.detail());
        System.out.println(json.writeValueAsString(o));
      }
      return attempts.get(attempts.size() - 1).outcome()
          == io.ippipe.common.probe.ProbeOutcome.OK ? 0 : 1;
    }
  }
}
