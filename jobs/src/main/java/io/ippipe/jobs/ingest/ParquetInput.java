package io.ippipe.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.ippipe.common.error.ConfigException;
import io.ippipe.jobs.io.InputFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.FractionalType;

/**
 * Parquet input of a feed as (file, row index, every known field as text): the same field
 * rules as CSV and JSON apply to it, and a record's line number is its row index + 1.
 */
final class ParquetInput {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParquetInput.class);

  private ParquetInput() {}

  record Rows(Dataset<Row> rows, String[] fields) {}

  /**
   * Every group of files ({@link InputPlan#parquetGroups}) read by its own schema and brought to
   * the same columns, each known field as text (null where a group lacks it), then put
   * together. A field of any type is read as its text: a number as its value, a list or a
   * struct as Spark writes it ("[1, 2]"), which the field rules then reject with a reason.
   * A file that fails to decode part-way gives the rows before the failure and no task failure
   * ({@link #untilDecodingFails}, in the pass); {@link #unread} then accounts for the rest.
   */
  static Rows read(SparkSession spark, Feed feed, List<List<String>> groups,
      java.util.Map<String, InputFiles.ParquetFooter> footers, long splitBytes) {
    List<String> known = feed.fields();
    // Each task reads a split of one file ({@code splitBytes}, as text input is cut), never
    // several small files in turn: a value that fails to decode ends its task's input
    // (untilDecodingFails), which must not take other files' rows with it. Spark packs small
    // files into one task unless opening one costs as much as a task holds; a session of its
    // own keeps those settings to this read.
    SparkSession reading = readingSession(spark);
    reading.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(splitBytes));
    reading.conf().set("spark.sql.files.openCostInBytes", Long.toString(splitBytes));
    reading.conf().unset("spark.sql.files.maxPartitionNum"); // it would pack files again
    List<Dataset<Row>> inputs = new ArrayList<>();
    java.util.Set<String> anywhere = new java.util.HashSet<>();
    for (List<String> files : groups) {
      Dataset<Row> input = open(reading, files, footers.get(files.get(0)), known);
      inputs.add(input);
      anywhere.addAll(Arrays.asList(input.columns()));
    }
    List<String> present = known.stream().filter(anywhere::contains).toList();
    if (present.stream().noneMatch(feed::isAddressField)) {
      throw new ConfigException("Cannot read " + feed.text() + " Parquet input " + groups
          + ": no address column, expected one of "
          + known.stream().filter(feed::isAddressField).toList());
    }
    Dataset<Row> rows = null;
    for (int g = 0; g < inputs.size(); g++) {
      // A group's files share one schema, and so their nanosecond columns.
      Dataset<Row> selected = asText(inputs.get(g), present,
          footers.get(groups.get(g).get(0)).nanosColumns());
      rows = rows == null ? selected : rows.union(selected);
    }
    return new Rows(rows, present.toArray(new String[0]));
  }

  /**
   * {@code rows} until a read fails on the file's data ({@link #failedOnData}): a page that does
   * not decode, or a dictionary-encoded value, which Spark decodes only when a row's value is
   * taken (an id past its dictionary). Either failed the task on every retry, and the night.
   * The rows before it stand; the rest of the split is what {@link #unread} finds missing, and
   * its second read fails the same way. Any other failure (the storage's) propagates, and Spark
   * retries the task, as before: {@code ignoreCorruptFiles} would skip the rest of a file on a
   * connection reset too.
   */
  static java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow> untilDecodingFails(
      java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow> rows) {
    return new java.util.Iterator<>() {
      boolean failed;

      @Override
      public boolean hasNext() {
        if (failed) {
          return false;
        }
        try {
          return rows.hasNext();
        } catch (Exception e) { // FileScanRDD throws its checked SparkException undeclared
          if (!failedOnData(e)) {
            throw ParquetInput.<RuntimeException>rethrow(e); // Spark retries the task
          }
          failed = true;
          LOG.warn("Skipped the rest of a split of {}: a value failed to decode ({})",
              org.apache.spark.rdd.InputFileBlockHolder.getInputFilePath(),
              e.getClass().getSimpleName());
          return false;
        }
      }

      @Override
      public org.apache.spark.sql.catalyst.InternalRow next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return rows.next();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T rethrow(Throwable e) throws T {
    throw (T) e;
  }

  /**
   * The input file a Parquet row came from, as the plan and text inputs name it: Spark's
   * {@code _metadata.file_path} is the path's URI, so "my requests.parquet" is
   * "my%20requests.parquet" there, and would be a file the plan never listed.
   */
  static String sourceFile(String metadataPath) {
    try {
      return new org.apache.hadoop.fs.Path(new java.net.URI(metadataPath)).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("Spark gave a file path that is no URI: " + metadataPath, e);
    }
  }

  /**
   * {@link #sourceFile} of each row's {@code _metadata.file_path}, converted once per file: a
   * task's rows come a file at a time.
   */
  static final class SourceFiles {
    private org.apache.spark.unsafe.types.UTF8String lastPath;
    private String file;
    private org.apache.spark.unsafe.types.UTF8String text;

    /** The file of a row whose {@code _metadata.file_path} is {@code path}. */
    String of(org.apache.spark.unsafe.types.UTF8String path) {
      if (!path.equals(lastPath)) {
        lastPath = path.clone();
        file = sourceFile(path.toString());
        text = org.apache.spark.unsafe.types.UTF8String.fromString(file);
      }
      return file;
    }

    /** The last file {@link #of} gave, as a column value. */
    org.apache.spark.unsafe.types.UTF8String text() {
      return text;
    }
  }

  /** A Parquet file the pass could read only in part: its rows, those read, and why not all. */
  record Unread(String file, long rows, long read, String cause) {
    /** The reject's detail; the reject itself stands for every row not read. */
    String detail() {
      return String.format(java.util.Locale.ROOT, "%,d of its %,d rows could not be read: %s",
          rows - read, rows, cause);
    }
  }

  /**
   * The Parquet files of {@code plan} whose rows the pass did not all read ({@code read}: rows
   * per file, as the pass counted them), each read again alone without skipping: a file that
   * fails again is corrupt, and is returned. One that reads whole lost its rows to the storage
   * (a read that failed once), not to its data: a reject would drop them for ever, so the run
   * fails instead, to be run again.
   */
  static List<Unread> unread(SparkSession spark, InputPlan plan, java.util.Map<String, Long> read,
      java.util.Map<String, String> refused) {
    List<String> known = plan.feed().fields();
    List<Unread> out = new ArrayList<>();
    for (String file : plan.parquetFiles()) {
      InputFiles.ParquetFooter footer = plan.parquetFooters().get(file);
      long rows = footer.rows();
      long seen = read.getOrDefault(file, 0L);
      if (refused.containsKey(file)) {
        out.add(new Unread(file, rows, seen, refused.get(file) + "; the file was not read"));
        continue;
      }
      if (seen > rows) {
        throw new IllegalStateException(String.format("Cannot reconcile %s input %s: read %d "
            + "rows, its footer states %d; it changed while the run read it. Run again.",
            plan.feed().text(), file, seen, rows));
      }
      if (seen == rows) {
        continue;
      }
      long again;
      try {
        Dataset<Row> input = open(readingSession(spark), List.of(file), footer, known);
        List<String> present = known.stream()
            .filter(Arrays.asList(input.columns())::contains).toList();
        again = asText(input, present, footer.nanosColumns()).queryExecution().toRdd().count();
      } catch (Exception e) { // Spark throws its checked SparkException unchecked
        if (!failedOnData(e)) {
          // Denied access, a lost executor, a cancelled job: the pass skipped rows for a
          // reason that is not the file's bytes, and the rows are not the reject's to keep.
          throw new IllegalStateException(String.format("Cannot ingest %s input %s: the pass "
              + "read %d of its %d rows, and a read of it alone failed too, but not on its data "
              + "(%s); fix that and run the day again", plan.feed().text(), file, seen, rows,
              causes(e)), e);
        }
        out.add(new Unread(file, rows, seen, "a read of it failed on its data ("
            + causes(e) + "), and the rest of that part of the file was skipped"));
        continue;
      }
      if (again < rows) {
        // No read fails, yet rows are missing: the footer places row groups where no split
        // finds them (a reader takes a row group where its middle lies), every night alike.
        out.add(new Unread(file, rows, Math.max(seen, again), "its footer places row groups "
            + "where no reader finds them"));
        continue;
      }
      throw new IllegalStateException(String.format("Cannot ingest %s input %s: the pass read "
          + "%d of its %d rows, a read of it having failed, yet it read whole on a second try: "
          + "the storage failed, not the file. Nothing of the day is committed; run it again.",
          plan.feed().text(), file, seen, rows));
    }
    return out;
  }

  /**
   * Whether a read of a Parquet file failed on the file's bytes, not on where they are kept.
   * Parquet reads a row group's column chunks whole, then decodes them in memory: a failure
   * there is the data's, whatever it is (found by flipping bytes of real files: Parquet's
   * decoding exceptions and its Thrift, codecs' IOExceptions, "Expected 161 values in column
   * chunk", an EOFException of an in-memory buffer, an index past a buffer or a dictionary, the
   * last often without a stack once the JIT has seen it a few times). So a failure is the
   * data's unless it is not a failure of reading at all (Spark's own, with no cause: a job
   * cancelled, an executor lost, a task killed; a JVM error; a missing class) or it went
   * through the storage: a frame of a file system, a network or a cloud client in any of its
   * causes, or a file gone or access denied.
   */
  static boolean failedOnData(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      if (t instanceof java.io.FileNotFoundException
          || t instanceof java.nio.file.FileSystemException) {
        return false;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        String c = frame.getClassName();
        if (STORAGE.stream().anyMatch(c::startsWith)) {
          return false;
        }
      }
    }
    // Spark's own failures of a job or task carry no cause: a lost executor, a job aborted or
    // cancelled, a task killed. A Spark exception with a cause was wrapped around the read's.
    return !(root instanceof Error || root instanceof ClassNotFoundException
        || root instanceof InterruptedException
        || root instanceof org.apache.spark.TaskKilledException
        || root instanceof org.apache.spark.SparkException
        || root instanceof org.apache.spark.sql.AnalysisException); // a path gone, say
  }

  /** Where a read meets the storage: the classes of file systems, networks and cloud clients. */
  private static final List<String> STORAGE = List.of("org.apache.hadoop.fs.",
      "org.apache.hadoop.hdfs.", "org.apache.hadoop.ipc.", "java.net.", "javax.net.",
      "sun.nio.ch.", "sun.net.", "software.amazon.", "com.amazonaws.", "com.google.cloud.",
      "com.microsoft.azure.", "org.apache.parquet.hadoop.util.H1SeekableInputStream",
      "org.apache.parquet.hadoop.util.H2SeekableInputStream",
      "org.apache.parquet.io.DelegatingSeekableInputStream");

  /** The classes of a read failure below Spark's own, outermost first: no message, no data. */
  private static String causes(Throwable e) {
    List<String> names = new ArrayList<>();
    for (Throwable t = e; t != null && names.size() < 4; t = t.getCause()) {
      if (!t.getClass().getName().startsWith("org.apache.spark.")) {
        names.add(t.getClass().getSimpleName());
      }
    }
    return names.isEmpty() ? e.getClass().getSimpleName() : String.join(" < ", names);
  }

  /**
   * A session for reading Parquet input. Column names as the footer spells them: Spark's
   * default ignores case, and a file with both "ip" and "IP" failed each of its reads ("Found
   * duplicate field(s)"), its rows lost to a reject. Nanosecond timestamps (pandas writes them)
   * as their INT64, which Spark refuses otherwise ("Illegal Parquet type"); the footer says
   * which columns are nanoseconds ({@link InputFiles.ParquetFooter#nanosColumns}).
   */
  static SparkSession readingSession(SparkSession spark) {
    SparkSession reading = spark.newSession();
    reading.conf().set("spark.sql.caseSensitive", "true");
    reading.conf().set("spark.sql.legacy.parquet.nanosAsLong", "true");
    return reading;
  }

  /**
   * The Spark schema of {@code footer}'s columns of {@code known} fields, by Spark's own
   * converter, one column at a time; {@code untyped} gets those Spark has no type for (a UUID,
   * a TIME), each with its Parquet type. Spark infers a schema from every column, and one it
   * has no type for failed the read, and the night, though no field needed it.
   */
  static StructType readSchema(SparkSession reading, InputFiles.ParquetFooter footer,
      List<String> known, java.util.Map<String, String> untyped) {
    org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter converter =
        new org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter(
            reading.sessionState().conf());
    StructType schema = new StructType();
    for (org.apache.parquet.schema.Type field : footer.type().getFields()) {
      if (!known.contains(field.getName()) || schema.getFieldIndex(field.getName()).isDefined()
          || untyped.containsKey(field.getName())) {
        continue; // a name given twice: the first column of it is the field
      }
      try {
        schema = schema.add(converter.convert(new org.apache.parquet.schema.MessageType(
            footer.type().getName(), field)).fields()[0]);
      } catch (Exception e) { // Spark's AnalysisException, undeclared
        String type = field.toString().strip();
        untyped.put(field.getName(), type.length() > 200 ? type.substring(0, 200) + "..." : type);
      }
    }
    return schema;
  }

  /** Opens {@code files}, all of {@code footer}'s schema, by their {@link #readSchema}. */
  private static Dataset<Row> open(SparkSession reading, List<String> files,
      InputFiles.ParquetFooter footer, List<String> known) {
    StructType schema = readSchema(reading, footer, known, new java.util.HashMap<>());
    // Whatever the session's spark.sql.files.ignoreCorruptFiles: no read of input may skip.
    return reading.read().schema(schema).option("ignoreCorruptFiles", "false")
        .parquet(files.toArray(new String[0]));
  }

  /** (file, row index, each of {@code present} as text), null where the input lacks it. */
  private static Dataset<Row> asText(Dataset<Row> input, List<String> present,
      java.util.Set<String> nanos) {
    List<Column> columns = new ArrayList<>();
    columns.add(col("_metadata.file_path"));
    columns.add(col("_metadata.row_index"));
    for (String name : present) {
      columns.add(Arrays.asList(input.columns()).contains(name)
          ? asText(name, input.schema().apply(name).dataType(), nanos.contains(name))
          : lit(null).cast(DataTypes.StringType).as(name));
    }
    return input.select(columns.toArray(new Column[0]));
  }

  private static Column asText(String name, DataType type, boolean nanos) {
    // A timestamp of any unit as epoch seconds with its microseconds (the field rules' text);
    // one without a zone (TIMESTAMP_NTZ) at UTC, as Squid's epoch is: the cast takes the
    // session's zone, which every ippipe session sets to UTC (Sessions.applyIppipeDefaults).
    String micros = nanos ? "(`%1$s` DIV 1000)"
        : type.equals(DataTypes.TimestampType) ? "unix_micros(`%1$s`)"
        : type.equals(DataTypes.TimestampNTZType) ? "unix_micros(cast(`%1$s` AS TIMESTAMP))"
        : null;
    return micros != null
        ? org.apache.spark.sql.functions.expr(String.format(
            "concat(cast(floor(" + micros + " / 1000000) as string), '.', "
                + "lpad(cast(pmod(" + micros + ", 1000000) as string), 6, '0'))", name))
            .as(name)
        : type instanceof FractionalType
        // A whole value as an integer, another as a plain decimal: pandas writes an integer
        // column with a gap as float64 (port 8080.0), and a double cast to text is
        // "1.764064800123E9", which no field rule reads.
        ? org.apache.spark.sql.functions.expr(String.format("CASE WHEN `%1$s` IS NULL THEN NULL "
            + "WHEN `%1$s` = floor(`%1$s`) AND abs(`%1$s`) < 9.0E18 "
            + "THEN cast(cast(`%1$s` AS BIGINT) AS STRING) "
            + "ELSE format_string('%%.6f', cast(`%1$s` AS DOUBLE)) END", name)).as(name)
        : col(name).cast(DataTypes.StringType).as(name);
  }
}
