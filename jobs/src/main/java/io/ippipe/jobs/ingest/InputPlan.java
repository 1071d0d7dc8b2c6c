package io.ippipe.jobs.ingest;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.jobs.io.InputFiles;
import io.ippipe.jobs.io.LineReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * What one feed's pass will read, decided on the driver before any data is read: its files, the
 * format of each (configured, or detected from its first lines or the Parquet magic), CSV
 * headers, and a readable footer for every Parquet file. Any problem is a ConfigException.
 */
record InputPlan(Feed feed, List<String> textFiles, List<String> parquetFiles,
    Map<String, String> formatByFile, Map<String, CsvHeader> csvHeaders,
    Map<String, InputFiles.ParquetFooter> parquetFooters) {

  static InputPlan of(Configuration hadoop, PipelineConfig config, Feed feed, List<String> paths) {
    List<String> files = InputFiles.list(hadoop, feed.text(), paths);
    Map<String, String> formats = new HashMap<>();
    Map<String, CsvHeader> headers = new HashMap<>();
    List<String> text = new ArrayList<>();
    List<String> parquet = new ArrayList<>();
    Map<String, InputFiles.ParquetFooter> footers = new HashMap<>();
    InventoryFormat inventoryFormat = config.get(Keys.VALIDATE_INVENTORY_FORMAT);
    LogFormat logFormat = config.get(Keys.VALIDATE_REQUESTS_FORMAT);
    for (String file : files) {
      String format;
      // Only auto-detection looks into the file; an empty one is zero records in any format,
      // so it needs no format.
      boolean detect = (feed == Feed.INVENTORY ? inventoryFormat : logFormat) == null;
      boolean parquetFile = detect && InputFiles.isParquet(hadoop, file);
      boolean empty = detect && !parquetFile && InputFiles.isEmpty(hadoop, file);
      try {
        if (feed == Feed.INVENTORY) {
          InventoryFormat f = empty ? InventoryFormat.PLAIN : inventoryFormat;
          if (f == null) {
            f = parquetFile ? InventoryFormat.PARQUET : detect(hadoop, file,
                InventoryFormat::detect, InventoryFormat.PLAIN);
          }
          if (f == null) {
            throw new ConfigException("Cannot detect the inventory format of " + file
                + ": no line looks like any format; set --inventory-format");
          }
          if (f == InventoryFormat.CSV) {
            List<String> head = LineReader.head(hadoop, file, 1);
            headers.put(file, new CsvHeader(head.isEmpty() ? "" : head.get(0)));
          }
          format = f.name();
        } else {
          LogFormat f = empty ? LogFormat.SQUID : logFormat;
          if (f == null) {
            f = parquetFile ? LogFormat.PARQUET
                : detect(hadoop, file, LogFormat::detect, LogFormat.SQUID);
          }
          if (f == null) {
            throw new ConfigException("Cannot detect the log format of " + file
                + ": no line looks like any format; set --log-format");
          }
          format = f.name();
        }
      } catch (ConfigException e) {
        throw e;
      } catch (Exception e) {
        throw new ConfigException("Cannot read " + feed.text() + " input " + file + ": "
            + e.getMessage(), e);
      }
      formats.put(file, format);
      (format.equals("PARQUET") ? parquet : text).add(file);
    }
    footers.putAll(InputFiles.parquetFooters(hadoop, parquet, feed.fields()::contains));
    return new InputPlan(feed, text, parquet, formats, headers, footers);
  }

  /**
   * The Parquet files grouped by the schema their footers state, in the order listed, but the
   * {@code refused} ones (Parquet's layout or page headers unsafe to read, {@link #refused}):
   * each group is read by its own schema. Read as one, every file was read by one file's schema,
   * and a file whose column had another type (a port as text, a list) failed its task.
   */
  List<List<String>> parquetGroups(java.util.Set<String> refused) {
    Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
    parquetFiles.stream().filter(f -> !refused.contains(f))
        .forEach(f -> groups.computeIfAbsent(parquetFooters.get(f).schema(),
            s -> new ArrayList<>()).add(f));
    return List.copyOf(groups.values());
  }

  /**
   * The format its first lines show; {@code unread} for a compressed file broken before its
   * first line, which, like an empty file, is no record of any format (its tasks reject the
   * break as TRUNCATED_INPUT).
   */
  private static <F> F detect(Configuration hadoop, String file,
      java.util.function.Function<List<String>, F> detector, F unread) throws Exception {
    List<String> head = LineReader.head(hadoop, file, 50);
    return head.isEmpty() ? unread : detector.apply(head);
  }

  /**
   * The bytes one task of a pass reads, text or Parquet: at most {@code maxSplitBytes}
   * (ingest.max_split_bytes), and small enough that every core gets at least four splits (files
   * of different sizes leave a short last split each: with several splits a core, a core that
   * finishes early takes another instead of idling at the end), but at least 1 MB unless
   * ingest.max_split_bytes is smaller: below that a task costs more to schedule than to run.
   */
  static long splitBytes(long totalBytes, int cores, long maxSplitBytes) {
    long perCore = totalBytes / Math.max(1, 4L * cores) + 1;
    return Math.min(maxSplitBytes, Math.max(1L << 20, perCore));
  }

  /** The bytes of the Parquet files the pass reads. */
  long parquetBytes(java.util.Set<String> refused) {
    return parquetFiles.stream().filter(f -> !refused.contains(f))
        .mapToLong(f -> parquetFooters.get(f).bytes()).sum();
  }

  /**
   * The Parquet files the pass must not read, each with why: a footer that places a chunk
   * outside the file, a field's column of a type Spark cannot read (a ts stored as a TIME, a
   * supplier as a UUID: read as text it would be a value), or pages that would make a reader
   * allocate more than the file justifies or never finish ({@link ParquetPages}, read in tasks).
   */
  Map<String, String> refused(org.apache.spark.sql.SparkSession spark,
      io.ippipe.jobs.io.HadoopConf conf) {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    Map<String, List<io.ippipe.jobs.io.ParquetPages.Chunk>> toCheck = new java.util.LinkedHashMap<>();
    org.apache.spark.sql.SparkSession reading = ParquetInput.readingSession(spark);
    for (String f : parquetFiles) {
      InputFiles.ParquetFooter footer = parquetFooters.get(f);
      Map<String, String> untyped = new java.util.LinkedHashMap<>();
      ParquetInput.readSchema(reading, footer, feed.fields(), untyped);
      if (footer.misplaced() != null) {
        refused.put(f, footer.misplaced());
      } else if (!untyped.isEmpty()) {
        Map.Entry<String, String> first = untyped.entrySet().iterator().next();
        refused.put(f, "its column " + first.getKey() + " is of a type Spark cannot read ("
            + first.getValue() + ")");
      } else {
        toCheck.put(f, footer.chunks());
      }
    }
    refused.putAll(io.ippipe.jobs.io.ParquetPages.refused(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()),
        toCheck, conf));
    return refused;
  }

  Map<String, LogFormat> logFormats() {
    Map<String, LogFormat> out = new HashMap<>();
    textFiles.forEach(f -> out.put(f, LogFormat.valueOf(formatByFile.get(f))));
    return out;
  }

  Map<String, InventoryFormat> inventoryFormats() {
    Map<String, InventoryFormat> out = new HashMap<>();
    textFiles.forEach(f -> out.put(f, InventoryFormat.valueOf(formatByFile.get(f))));
    return out;
  }
}
