package io.ippipe.jobs.cli;

import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.ExitCode;
import io.ippipe.common.error.QualityGateException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code ippipe JOB [options]}. Exit codes: 0 success, 1 runtime failure,
 * 2 usage or configuration error (before any data is read), 3 data-quality gate breached.
 */
@Command(name = "ippipe", mixinStandardHelpOptions = true, version = "ippipe 0.1.0",
    description = "Batch IP processing for proxy inventories and gateway logs on Apache Spark.",
    subcommands = {RunCommand.class, SqlCommand.class, GenerateCommand.class, IngestCommand.class,
        ProbeCommand.class, ScoreCommand.class, PublishCommand.class, JudgeCommand.class, CompareCommand.class, DecryptCommand.class, KeygenCommand.class, GeoCommand.class, IpCommand.class, EvalCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:runtime failure",
        "2:usage or configuration error, before any data is read",
        "3:data-quality gate breached (outputs and metrics are still written)"})
public final class IppipeCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a job: give one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns the exit code; tests call this instead of main. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new IppipeCli());
    cli.setExitCodeExceptionMapper(IppipeCli::exitCode);
    cli.setParameterExceptionHandler((e, a) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("ippipe: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return ExitCode.USAGE_OR_CONFIG.code();
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      Throwable cause = rootOfInterest(e);
      String job = commandLine.getCommandSpec().qualifiedName();
      if (cause instanceof ConfigException) {
        err.println(job + ": " + cause.getMessage());
      } else if (cause instanceof QualityGateException) {
        err.println(job + ": " + cause.getMessage());
      } else {
        err.println(job + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        if (!parseResult.hasMatchedOption("-v")) {
          err.println("(run again with -v for the stack trace)");
        }
      }
      if (parseResult.hasMatchedOption("-v")) {
        e.printStackTrace(err);
      }
      err.flush();
      return exitCode(cause);
    });
    return cli.execute(args);
  }

  static int exitCode(Throwable e) {
    Throwable t = rootOfInterest(e);
    if (t instanceof ConfigException) {
      return ExitCode.USAGE_OR_CONFIG.code();
    }
    if (t instanceof QualityGateException) {
      return ExitCode.QUALITY_GATE.code();
    }
    return ExitCode.RUNTIME_FAILURE.code();
  }

  /** Spark wraps task failures; the first ippipe exception in the chain says what happened. */
  static Throwable rootOfInterest(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException || t instanceof QualityGateException) {
        return t;
      }
    }
    return e;
  }
}
