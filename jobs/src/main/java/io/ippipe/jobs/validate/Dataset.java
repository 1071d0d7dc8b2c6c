package io.ippipe.jobs.validate;

import java.util.Locale;

/** The two datasets validate reads, as named in output paths and metrics. */
public enum Dataset {
  INVENTORY, REQUESTS;

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
