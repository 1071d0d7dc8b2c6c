package io.ippipe.jobs.ingest;

import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.FieldReader;
import io.ippipe.common.input.GatewayRequest;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.TextLines;
import io.ippipe.jobs.io.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * The requests pass inside one task: every record of the task's input is parsed once; a valid
 * one becomes a parsed row ({@link ParsedRows#REQUEST}) handed on to the table's columns and
 * writer and adds to its proxy's evidence ({@link EvidenceFile}), a rejected one goes to the
 * task's {@link RejectFile}; every line and record is counted in the {@link IngestTally}. A
 * failure while parsing one line (any exception, even a stack overflow) is that line's reject,
 * never the task's failure.
 */
final class RequestPass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, LogFormat> formats;
  private final int maxLineBytes;
  private final int rawChars;
  private final String rejectDir;
  private final String evidenceDir;
  private final HadoopConf conf;
  private final IngestTally tally;

  RequestPass(Map<String, LogFormat> formats, int maxLineBytes, int rawChars, String rejectDir,
      String evidenceDir, HadoopConf conf, IngestTally tally) {
    this.formats = formats;
    this.maxLineBytes = maxLineBytes;
    this.rawChars = rawChars;
    this.rejectDir = rejectDir;
    this.evidenceDir = evidenceDir;
    this.conf = conf;
    this.tally = tally;
  }

  /** Over text lines of one input split. */
  Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<InternalRow>> text() {
    return new TextLinesFn(this);
  }

  /** Over Parquet input rows: (file, row index, the known fields as text). */
  FlatMapFunction<Iterator<InternalRow>, InternalRow> parquet(String[] fields) {
    return new ParquetRowsFn(this, fields);
  }

  private static final class TextLinesFn
      implements Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<InternalRow>> {
    private static final long serialVersionUID = 1L;
    private final RequestPass pass;

    TextLinesFn(RequestPass pass) {
      this.pass = pass;
    }

    @Override
    public Iterator<InternalRow> call(InputSplit split, Iterator<Tuple2<LongWritable, Text>> lines) {
      FileSplit fileSplit = (FileSplit) split;
      String file = fileSplit.getPath().toString();
      long start = fileSplit.getStart();
      LogFormat format = pass.formats.get(file);
      Task task = pass.new Task();
      TextLines.Decoder decoder = new TextLines.Decoder(pass.maxLineBytes);
      UTF8String source = UTF8String.fromString(file);
      return task.rows(new Iterator<>() {
        long index;

        @Override
        public boolean hasNext() {
          return lines.hasNext();
        }

        @Override
        public Boolean next() {
          Tuple2<LongWritable, Text> read = lines.next();
          Text line = read._2();
          long at = index++;
          task.countLine(file, start);
          if (read._1().get() == BoundedLineInputFormat.BROKEN_STREAM) {
            return task.reject(file, start, at, RejectReason.TRUNCATED_INPUT,
                BoundedLineInputFormat.BROKEN_STREAM_DETAIL, null);
          }
          byte[] bytes = line.getBytes();
          int length = line.getLength();
          Parsed<String> text = decoder.decode(bytes, length);
          if (!text.isValid()) {
            String raw = text.reason() == RejectReason.BLANK_LINE ? null
                : task.raw.of(bytes, length, pass.maxLineBytes, null);
            return task.reject(file, start, at, text.reason(), text.reason()
                == RejectReason.LINE_TOO_LONG ? "longer than " + pass.maxLineBytes + " bytes"
                : text.detail(), raw);
          }
          Parsed<GatewayRequest> p;
          try {
            p = task.parser.parseLine(text.value(), format);
          } catch (RuntimeException | StackOverflowError e) {
            p = Parsed.reject(RejectReason.PARSE_FAILURE, e.getClass().getSimpleName());
          }
          return task.record(file, source, start, at, p, p.isValid() ? null : text.value());
        }
      });
    }
  }

  private static final class ParquetRowsFn
      implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final RequestPass pass;
    private final String[] fields;

    ParquetRowsFn(RequestPass pass, String[] fields) {
      this.pass = pass;
      this.fields = fields;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> scanned) {
      Iterator<InternalRow> input = ParquetInput.untilDecodingFails(scanned);
      Task task = pass.new Task();
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
      return task.rows(new Iterator<>() {
        final ParquetInput.SourceFiles files = new ParquetInput.SourceFiles();

        @Override
        public boolean hasNext() {
          return input.hasNext();
        }

        @Override
        public Boolean next() {
          InternalRow row = input.next();
          String file = files.of(row.getUTF8String(0));
          UTF8String source = files.text();
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
            return task.reject(file, -1, index, RejectReason.LINE_TOO_LONG,
                "field " + tooLong + " longer than " + pass.maxLineBytes + " bytes",
                task.raw.of(ParquetText.describe(values, pass.maxLineBytes), null));
          }
          Parsed<GatewayRequest> p;
          try {
            p = task.parser.parseFields(reader);
          } catch (RuntimeException | StackOverflowError e) {
            p = Parsed.reject(RejectReason.PARSE_FAILURE, e.getClass().getSimpleName());
          }
          return task.record(file, source, -1, index, p,
              p.isValid() ? null : ParquetText.describe(values, pass.maxLineBytes));
        }
      });
    }
  }

  /**
   * One task's state: the parser, the reused output row, the reject file and the counts that
   * join the tally once the task's input is exhausted.
   */
  private final class Task {
    final LogParser parser = new LogParser();
    final RawText raw = new RawText(rawChars);
    final SpecificInternalRow row = ParsedRows.newRow(ParsedRows.REQUEST);
    final IngestTally.Counts counts = new IngestTally.Counts();
    final int partition;
    final RejectFile rejects;
    final EvidenceFile.Gatherer evidence = new EvidenceFile.Gatherer();
    final long attempt;
    long valid;
    String lastFile;
    IngestTally.FileCounts fileCounts;

    Task() {
      TaskContext context = TaskContext.get();
      partition = context.partitionId();
      attempt = context.taskAttemptId();
      rejects = new RejectFile(rejectDir, partition, attempt, conf.get());
      context.addTaskCompletionListener(c -> {
        try {
          rejects.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    /** Lines of the split being read, added to the counts when the split changes or ends. */
    private String splitFile;
    private long splitStart;
    private long splitLines;

    void countLine(String file, long start) {
      if (start != splitStart || !file.equals(splitFile)) {
        flushLines();
        splitFile = file;
        splitStart = start;
      }
      splitLines++;
    }

    private void flushLines() {
      if (splitLines > 0) {
        counts.splitLines.computeIfAbsent(splitFile, f -> new TreeMap<>())
            .merge(splitStart, splitLines, Long::sum);
      }
      splitLines = 0;
    }

    private IngestTally.FileCounts file(String file) {
      if (!file.equals(lastFile)) {
        lastFile = file;
        fileCounts = counts.file(file);
      }
      return fileCounts;
    }

    /** A parsed record: true when it filled the row, false when it went to the rejects. */
    boolean record(String file, UTF8String source, long splitStart, long index,
        Parsed<GatewayRequest> p, String rawLine) {
      if (!p.isValid()) {
        return reject(file, splitStart, index, p.reason(), p.detail(),
            rawLine == null ? null : raw.of(rawLine, null));
      }
      IngestTally.FileCounts c = file(file);
      c.records++;
      c.valid++;
      valid++;
      ParsedRows.fillRequest(row, p.value(), source);
      evidence.add(p.value());
      return true;
    }

    boolean reject(String file, long splitStart, long index, RejectReason reason, String detail,
        String rawText) {
      IngestTally.FileCounts c = file(file);
      c.records++;
      c.rejected.merge(reason.name(), 1L, Long::sum);
      try {
        rejects.write(file, splitStart, index, 0, reason, detail, rawText);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the rejects of task " + partition, e);
      }
      return false;
    }

    /** The valid rows of {@code outcomes} (true: the row holds one), then the task's tally. */
    Iterator<InternalRow> rows(Iterator<Boolean> outcomes) {
      return new Iterator<>() {
        boolean ready;
        boolean finished;

        @Override
        public boolean hasNext() {
          while (!ready && outcomes.hasNext()) {
            ready = outcomes.next();
          }
          if (!ready && !finished) {
            finish();
            finished = true;
          }
          return ready;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          ready = false;
          return row;
        }
      };
    }

    private void finish() {
      flushLines();
      try {
        rejects.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the rejects of task " + partition, e);
      }
      String evidenceFile;
      try {
        evidenceFile = evidence.write(evidenceDir, partition, attempt, conf.get());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the evidence of task " + partition, e);
      }
      counts.tasks.put(partition, new IngestTally.TaskCounts(valid, rejects.count(), rejects.name(),
          evidence.requests(), evidence.endpoints(), evidenceFile));
      tally.add(counts);
    }
  }
}
