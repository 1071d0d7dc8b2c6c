package io.ippipe.jobs.validate;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.ProxyEndpoint;
import io.ippipe.common.input.Redaction;
import io.ippipe.common.input.TextLines;
import io.ippipe.jobs.io.SourceLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Parses text lines of one dataset into parsed rows: one row per record, and at least one per
 * line, so that every line read is accounted for. Parsers are created per partition.
 */
final class ParseText implements FlatMapFunction<Iterator<SourceLine>, Row> {
  private static final long serialVersionUID = 1L;

  private final Dataset dataset;
  private final PipelineConfig config;
  private final Map<String, String> formatByFile;
  private final Map<String, CsvHeader> csvHeaders;

  ParseText(Dataset dataset, PipelineConfig config, Map<String, String> formatByFile,
      Map<String, CsvHeader> csvHeaders) {
    this.dataset = dataset;
    this.config = config;
    this.formatByFile = formatByFile;
    this.csvHeaders = csvHeaders;
  }

  @Override
  public Iterator<Row> call(Iterator<SourceLine> lines) {
    TextLines.Decoder decoder = new TextLines.Decoder(config.get(Keys.VALIDATE_MAX_LINE_LENGTH));
    int rawChars = config.get(Keys.VALIDATE_REJECT_RAW_CHARS);
    InventoryParser inventory = new InventoryParser(config.get(Keys.VALIDATE_DEFAULT_PROTOCOL));
    LogParser logs = new LogParser();
    int columns = dataset == Dataset.INVENTORY ? Rows.INVENTORY_COLUMNS : Rows.REQUEST_COLUMNS;
    return new Iterator<>() {
      private Iterator<Row> pending = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!pending.hasNext() && lines.hasNext()) {
          pending = parse(lines.next()).iterator();
        }
        return pending.hasNext();
      }

      @Override
      public Row next() {
        hasNext();
        return pending.next();
      }

      private List<Row> parse(SourceLine line) {
        Parsed<String> text = decoder.decode(line.bytes, line.bytes.length);
        String format = formatByFile.get(line.file);
        CsvHeader header = csvHeaders.get(line.file);
        if (!text.isValid()) {
          String raw = text.reason() == RejectReason.BLANK_LINE ? null
              : printable(new String(line.bytes, 0, Math.min(line.bytes.length, rawChars * 4),
                  StandardCharsets.UTF_8));
          return List.of(Rows.rejectOnly(columns, line.file, line.splitStart, line.indexInSplit,
              text.reason(), text.detail(), redact(raw, header, rawChars)));
        }
        String s = text.value();
        if (dataset == Dataset.REQUESTS) {
          return List.of(withRaw(logs.parseLine(s, LogFormat.valueOf(format)), line, s, header,
              rawChars));
        }
        List<Parsed<ProxyEndpoint>> results =
            inventory.parseLine(s, InventoryFormat.valueOf(format), header);
        List<Row> rows = new ArrayList<>(results.size());
        String raw = null;
        for (int i = 0; i < results.size(); i++) {
          Parsed<ProxyEndpoint> p = results.get(i);
          if (!p.isValid() && raw == null) {
            raw = redact(s, header, rawChars);
          }
          rows.add(Rows.inventory(line.file, line.splitStart, line.indexInSplit, i, p,
              p.isValid() ? null : raw));
        }
        return rows;
      }
    };
  }

  private Row withRaw(Parsed<io.ippipe.common.input.GatewayRequest> p, SourceLine line, String s,
      CsvHeader header, int rawChars) {
    return Rows.request(line.file, line.splitStart, line.indexInSplit, p,
        p.isValid() ? null : redact(s, header, rawChars));
  }

  private static String redact(String raw, CsvHeader header, int rawChars) {
    if (raw == null) {
      return null;
    }
    String masked = header != null ? header.redact(raw) : Redaction.mask(raw);
    return Redaction.maskAndTruncate(masked, rawChars);
  }

  /** Control characters would garble terminals and CSV exports of the rejects: show them as '?'. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 && c != '\t' || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
