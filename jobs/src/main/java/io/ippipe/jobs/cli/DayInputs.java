package io.ippipe.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** One day's input files, as validate and run take them. */
final class DayInputs {
  @Option(names = "--inventory", paramLabel = "PATH", description = "Inventory file, directory or glob; repeatable.")
  List<String> inventory = new ArrayList<>();

  @Option(names = "--requests", paramLabel = "PATH", description = "Gateway log file, directory or glob; repeatable.")
  List<String> requests = new ArrayList<>();
}
