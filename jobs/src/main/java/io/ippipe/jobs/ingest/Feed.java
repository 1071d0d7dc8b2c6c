package io.ippipe.jobs.ingest;

import java.util.Locale;

/** The two inputs of a day: the proxy inventory and the gateway logs. */
public enum Feed {
  INVENTORY, REQUESTS;

  /** As named in the rejects partition ({@code dataset=...}), options and metrics. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
