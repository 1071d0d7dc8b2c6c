package io.ippipe.jobs.ingest;

import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogParser;
import java.util.List;
import java.util.Locale;

/** The two inputs of a day: the proxy inventory and the gateway logs. */
public enum Feed {
  INVENTORY, REQUESTS;

  /** As named in the rejects partition ({@code dataset=...}), options and metrics. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The fields the feed's parser reads by name (Parquet columns, JSON members, CSV headers). */
  List<String> fields() {
    return this == INVENTORY ? InventoryParser.FIELDS : LogParser.FIELDS;
  }

  /** Whether a field of {@link #fields} can hold the record's address. */
  boolean isAddressField(String name) {
    return this == INVENTORY ? InventoryParser.isAddressField(name)
        : LogParser.isAddressField(name);
  }
}
