package io.ippipe.jobs.cli;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.probe.JudgeServer;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "judge", mixinStandardHelpOptions = true,
    description = {"Serve the probe judge: GET PATH/MARKER answers JSON with the marker, the"
        + " address the request came from and the headers it carried, signed with"
        + " probe.judge_key (docs/probe.md).",
        "Runs until stopped (SIGTERM, Ctrl-C) or for --exit-after seconds."})
final class JudgeCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin CommonOptions common;

  @Option(names = "--port", required = true, split = ",", paramLabel = "PORT[,PORT...]",
      description = "TCP port, or several, comma-separated, to list them all in probe.judge_url:"
          + " each check then asks for one at random, which a fake proxy relaying every request"
          + " to one port unread cannot follow (docs/probe.md). 0 picks a free one.")
  List<Integer> ports;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 to serve proxies"
          + " on the internet).")
  String bind;

  @Option(names = "--path", defaultValue = "/judge", description = "URL path (default ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--threads", defaultValue = "1", description = "Event-loop threads.")
  int threads;

  @Option(names = "--exit-after", paramLabel = "SECONDS", defaultValue = "0",
      description = "Stop after this many seconds; 0 (default): run until stopped.")
  long exitAfter;

  @Override
  public Integer call() throws Exception {
    for (int port : ports) {
      if (port < 0 || port > 65535) {
        throw new ConfigException("--port must be 0..65535, got " + port);
      }
      if (port != 0 && ports.indexOf(port) != ports.lastIndexOf(port)) {
        throw new ConfigException("--port lists " + port + " twice");
      }
    }
    if (!path.startsWith("/")) {
      throw new ConfigException("--path must start with /, got '" + path + "'");
    }
    // Read before binding: without its key the judge could only give answers nobody accepts.
    io.ippipe.common.probe.JudgeKey key =
        io.ippipe.jobs.encrypt.KeyLoader.judgeKey(
            io.ippipe.jobs.io.Sessions.hadoopConf(common.master), common.resolve(java.util.Map.of()));
    JudgeServer judge;
    try {
      judge = JudgeServer.start(bind, ports, path, Math.max(1, threads), key);
    } catch (Exception e) {
      throw new ConfigException("Cannot listen on " + bind + " port " + ports.stream()
          .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ": "
          + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(judge::close, "judge-shutdown"));
    // The whole line is the value of probe.judge_url.
    System.out.println("judge listening: " + String.join(",", judge.urls()));
    System.out.flush();
    judge.awaitClose(TimeUnit.SECONDS.toMillis(exitAfter));
    if (exitAfter > 0) {
      judge.close();
    }
    return 0;
  }
}
