package io.ippipe.jobs.ingest;

import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.FieldReader;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.ProxyEndpoint;
import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.input.TextLines;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * The inventory pass inside one task: every line becomes at least one row of
 * {@link ParsedRows#INVENTORY} (a JSON array line one per element), valid or rejected with its
 * position, so that every line read is accounted for, and counted in the {@link IngestTally}.
 * The inventory is small: the job keeps these rows to number lines, merge duplicates and write
 * the table and its rejects.
 */
final class InventoryPass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, InventoryFormat> formats;
  private final Map<String, CsvHeader> headers;
  private final ProxyProtocol defaultProtocol;
  private final int maxLineBytes;
  private final int rawChars;
  private final IngestTally tally;

  InventoryPass(Map<String, InventoryFormat> formats, Map<String, CsvHeader> headers,
      ProxyProtocol defaultProtocol, int maxLineBytes, int rawChars, IngestTally tally) {
    this.formats = formats;
    this.headers = headers;
    this.defaultProtocol = defaultProtocol;
    this.maxLineBytes = maxLineBytes;
    this.rawChars = rawChars;
    this.tally = tally;
  }

  /**
   * Counts the rows of one task as they pass (lines per split, records per file by outcome)
   * and adds them to the tally when the task's input is exhausted.
   */
  private Iterator<InternalRow> counted(Iterator<InternalRow> rows) {
    IngestTally.Counts counts = new IngestTally.Counts();
    return new Iterator<>() {
      boolean added;

      @Override
      public boolean hasNext() {
        boolean more = rows.hasNext();
        if (!more && !added) {
          added = true;
          tally.add(counts);
        }
        return more;
      }

      @Override
      public InternalRow next() {
        InternalRow row = rows.next();
        String file = row.getUTF8String(ParsedRows.INVENTORY_FILE).toString();
        long splitStart = row.getLong(ParsedRows.INVENTORY_SPLIT_START);
        if (splitStart >= 0 && row.getInt(ParsedRows.INVENTORY_RECORD_INDEX) == 0) {
          counts.splitLines.computeIfAbsent(file, f -> new TreeMap<>())
              .merge(splitStart, 1L, Long::sum);
        }
        IngestTally.FileCounts c = counts.file(file);
        c.records++;
        if (row.isNullAt(ParsedRows.INVENTORY_REASON)) {
          c.valid++;
        } else {
          c.rejected.merge(row.getUTF8String(ParsedRows.INVENTORY_REASON).toString(), 1L,
              Long::sum);
        }
        return row;
      }
    };
  }

  Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<InternalRow>> text() {
    return new TextFn(this);
  }

  FlatMapFunction<Iterator<InternalRow>, InternalRow> parquet(String[] fields) {
    return new ParquetFn(this, fields);
  }

  private static final class TextFn
      implements Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    private final InventoryPass pass;

    TextFn(InventoryPass pass) {
      this.pass = pass;
    }

    @Override
    public Iterator<InternalRow> call(InputSplit split, Iterator<Tuple2<LongWritable, Text>> lines) {
      FileSplit fileSplit = (FileSplit) split;
      String file = fileSplit.getPath().toString();
      UTF8String source = UTF8String.fromString(file);
      long start = fileSplit.getStart();
      InventoryFormat format = pass.formats.get(file);
      CsvHeader header = pass.headers.get(file);
      InventoryParser parser = new InventoryParser(pass.defaultProtocol);
      TextLines.Decoder decoder = new TextLines.Decoder(pass.maxLineBytes);
      RawText raw = new RawText(pass.rawChars);
      return pass.counted(new Iterator<>() {
        long index;
        Iterator<InternalRow> pending = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!pending.hasNext() && lines.hasNext()) {
            Tuple2<LongWritable, Text> read = lines.next();
            pending = read._1().get() == BoundedLineInputFormat.BROKEN_STREAM
                ? List.<InternalRow>of(ParsedRows.inventoryReject(source, start, index++,
                    RejectReason.TRUNCATED_INPUT, BoundedLineInputFormat.BROKEN_STREAM_DETAIL,
                    null)).iterator()
                : parse(read._2(), index++).iterator();
          }
          return pending.hasNext();
        }

        @Override
        public InternalRow next() {
          hasNext();
          return pending.next();
        }

        private List<InternalRow> parse(Text line, long at) {
          byte[] bytes = line.getBytes();
          int length = line.getLength();
          Parsed<String> text = decoder.decode(bytes, length);
          if (!text.isValid()) {
            String kept = text.reason() == RejectReason.BLANK_LINE ? null
                : raw.of(bytes, length, pass.maxLineBytes, header);
            return List.of(ParsedRows.inventoryReject(source, start, at, text.reason(),
                text.reason() == RejectReason.LINE_TOO_LONG
                    ? "longer than " + pass.maxLineBytes + " bytes" : text.detail(), kept));
          }
          String s = text.value();
          List<Parsed<ProxyEndpoint>> results;
          try {
            results = parser.parseLine(s, format, header);
          } catch (RuntimeException | StackOverflowError e) {
            results = List.of(Parsed.reject(RejectReason.PARSE_FAILURE, e.getClass().getSimpleName()));
          }
          List<InternalRow> rows = new ArrayList<>(results.size());
          UTF8String masked = null;
          for (int i = 0; i < results.size(); i++) {
            Parsed<ProxyEndpoint> p = results.get(i);
            if (!p.isValid() && masked == null) {
              masked = UTF8String.fromString(raw.of(s, header));
            }
            rows.add(ParsedRows.inventory(source, start, at, i, p, p.isValid() ? null : masked));
          }
          return rows;
        }
      });
    }
  }

  private static final class ParquetFn implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final InventoryPass pass;
    private final String[] fields;

    ParquetFn(InventoryPass pass, String[] fields) {
      this.pass = pass;
      this.fields = fields;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> scanned) {
      Iterator<InternalRow> input = ParquetInput.untilDecodingFails(scanned);
      InventoryParser parser = new InventoryParser(pass.defaultProtocol);
      RawText raw = new RawText(pass.rawChars);
      Map<String, Object> values = new TreeMap<>();
      FieldReader reader = new FieldReader() {
        @Override
        public Object get(String name) {
          Object v = values.get(name);
          return v == null || v.toString().isEmpty() ? null : v;
        }

        @Override
        public boolean typed() {
          return false;
        }
      };
      return pass.counted(new Iterator<>() {
        final ParquetInput.SourceFiles files = new ParquetInput.SourceFiles();

        @Override
        public boolean hasNext() {
          return input.hasNext();
        }

        @Override
        public InternalRow next() {
          InternalRow row = input.next();
          files.of(row.getUTF8String(0));
          UTF8String file = files.text();
          long index = row.getLong(1);
          values.clear();
          String tooLong = null;
          for (int i = 0; i < fields.length; i++) {
            UTF8String v = row.isNullAt(i + 2) ? null : row.getUTF8String(i + 2);
            if (v != null && v.numBytes() > pass.maxLineBytes) {
              tooLong = fields[i];
            }
            values.put(fields[i], v == null ? null : v.toString());
          }
          if (tooLong != null) {
            return ParsedRows.inventoryReject(file, -1, index, RejectReason.LINE_TOO_LONG,
                "field " + tooLong + " longer than " + pass.maxLineBytes + " bytes",
                raw.of(ParquetText.describe(values, pass.maxLineBytes), null));
          }
          Parsed<ProxyEndpoint> p;
          try {
            p = parser.parseFields(reader);
          } catch (RuntimeException | StackOverflowError e) {
            p = Parsed.reject(RejectReason.PARSE_FAILURE, e.getClass().getSimpleName());
          }
          return ParsedRows.inventory(file, -1, index, 0, p,
              p.isValid() ? null : raw.of(ParquetText.describe(values, pass.maxLineBytes), null));
        }
      });
    }
  }
}
