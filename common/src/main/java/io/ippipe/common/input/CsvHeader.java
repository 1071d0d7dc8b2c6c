package io.ippipe.common.input;

import io.ippipe.common.ip.IpParser;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file's header, read once per file on the driver and shipped with the file's lines: data
 * lines in later splits of the file never see the header themselves.
 */
public final class CsvHeader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String headerLine;
  private final List<String> columns;
  private final Map<String, Integer> index = new HashMap<>();
  /** Every column named like a secret, duplicates included: each is masked. */
  private final List<Integer> secretColumns = new java.util.ArrayList<>();
  /**
   * A header that does not parse or lacks the address or port is no header one can trust to
   * name the columns (often it is a first data line): its file's lines keep no field.
   */
  private final boolean unreadable;

  public CsvHeader(String headerLine) {
    this.headerLine = headerLine.strip();
    List<String> parsed = Csv.split(this.headerLine, ',');
    this.columns = parsed == null ? List.of() : parsed;
    for (int i = 0; i < columns.size(); i++) {
      index.putIfAbsent(CaseFold.lower(columns.get(i).strip()), i);
      if (Redaction.isSecretName(columns.get(i))) {
        secretColumns.add(i);
      }
    }
    this.unreadable = parsed == null || missingColumn() != null;
  }

  public boolean isHeaderLine(String line) {
    return line.strip().equals(headerLine);
  }

  public int size() {
    return columns.size();
  }

  /** The first required column the header lacks, or null when it has them all. */
  public String missingColumn() {
    if (!hasAny(InventoryParser.IP_FIELDS)) {
      return "ip";
    }
    if (!hasAny(InventoryParser.PORT_FIELDS)) {
      return "port";
    }
    return null;
  }

  private boolean hasAny(String[] names) {
    for (String n : names) {
      if (index.containsKey(n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The line with its credential columns masked, for the rejects' raw text. A line whose fields
   * do not line up with the header keeps only an IP literal at the header's address position
   * and a port number at its port position: any other field could be a credential, wherever it
   * landed, the address and port positions included (credentials shifted to the front of a
   * row land there).
   */
  public String redact(String line) {
    List<String> fields = Csv.split(line, ',');
    if (unreadable) {
      return fields == null || fields.isEmpty() ? Redaction.MASK
          : String.join(",", java.util.Collections.nCopies(fields.size(), Redaction.MASK));
    }
    if (fields == null || fields.size() != columns.size()) {
      if (secretColumns.isEmpty()) {
        return Redaction.mask(line);
      }
      List<String> kept = new java.util.ArrayList<>();
      int n = fields == null ? 0 : fields.size();
      for (int i = 0; i < n; i++) {
        kept.add(keptWhenMisaligned(i, fields.get(i)) ? fields.get(i) : Redaction.MASK);
      }
      if (kept.isEmpty()) {
        kept.add(Redaction.MASK);
      }
      return Redaction.mask(String.join(",", kept));
    }
    boolean changed = false;
    for (int i : secretColumns) {
      if (!fields.get(i).isEmpty()) {
        fields.set(i, Redaction.MASK);
        changed = true;
      }
    }
    return changed ? Redaction.mask(String.join(",", fields)) : Redaction.mask(line);
  }

  private boolean keptWhenMisaligned(int position, String value) {
    if (isAt(InventoryParser.IP_FIELDS, position)) {
      String v = value.strip();
      int from = v.startsWith("[") && v.endsWith("]") ? 1 : 0;
      return v.length() > 2 * from && new IpParser().parse(v, from, v.length() - from);
    }
    return isAt(InventoryParser.PORT_FIELDS, position)
        && Endpoints.port(value.strip(), 0, value.strip().length()).isValid();
  }

  private boolean isAt(String[] names, int position) {
    for (String name : names) {
      Integer i = index.get(name);
      if (i != null && i == position) {
        return true;
      }
    }
    return false;
  }

  FieldReader reader(List<String> fields) {
    return new FieldReader() {
      @Override
      public Object get(String name) {
        Integer i = index.get(name);
        if (i == null) {
          return null;
        }
        String v = fields.get(i);
        return v.isEmpty() ? null : v;
      }

      @Override
      public boolean typed() {
        return false;
      }
    };
  }
}
