package io.ippipe.jobs.cli;

import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.ip.IpParser;
import io.ippipe.common.ip.SpecialPurpose;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ip", mixinStandardHelpOptions = true,
    description = "Single-IP tools that need no Spark.", subcommands = {IpCommand.Check.class})
final class IpCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing a tool: give one of " + String.join(", ", spec.subcommands().keySet()));
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
      List<String> inputs = ips;
      if (inputs.isEmpty()) {
        inputs = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
          inputs.add(line.strip());
        }
      }
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
}
