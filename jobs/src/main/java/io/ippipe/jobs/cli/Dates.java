package io.ippipe.jobs.cli;

import io.ippipe.common.error.ConfigException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

final class Dates {
  private Dates() {}

  static LocalDate parse(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigException("Invalid --date: " + text + ", expected YYYY-MM-DD");
    }
  }
}
