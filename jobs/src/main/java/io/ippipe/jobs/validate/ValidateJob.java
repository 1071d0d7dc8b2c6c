package io.ippipe.jobs.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.error.ConfigException;
import io.ippipe.common.error.QualityGateException;
import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.CsvHeader;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.InventoryParser;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.LogParser;
import io.ippipe.jobs.io.InputFiles;
import io.ippipe.jobs.io.LineNumbers;
import io.ippipe.jobs.io.LineReader;
import io.ippipe.jobs.io.OutputWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * validate: parses inventories and gateway logs of one date, writes the valid records, the
 * rejects with reasons and per-file metrics, and proves that every record read is either valid
 * or rejected. All parsing rules live in common; this class only wires them into Spark.
 */
public final class ValidateJob {
  private static final Logger LOG = LoggerFactory.getLogger(ValidateJob.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What to validate: a date, input paths per dataset (empty to skip one), an output root. */
  public record Options(LocalDate date, List<String> inventory, List<String> requests, String out) {
    public Options {
      if (inventory.isEmpty() && requests.isEmpty()) {
        throw new ConfigException("Cannot validate: give --inventory and/or --requests input paths");
      }
    }
  }

  /** Per-file accounting, as written to validate.json. */
  public record FileMetrics(String file, String format, long linesRead, long recordsRead,
      long valid, long rejected, Map<String, Long> rejectedByReason, long duplicates) {}

  public record DatasetMetrics(String dataset, List<FileMetrics> files, long recordsRead,
      long valid, long rejected, long structuralRejects, long duplicates, long rowsWritten,
      double rejectRate) {}

  public record Result(LocalDate date, Map<String, DatasetMetrics> datasets, String metricsFile,
      boolean gateBreached) {}

  private ValidateJob() {}

  /** The plan of one dataset, made before any data is read. */
  record InputPlan(Dataset dataset, List<String> textFiles, List<String> parquetFiles,
      Map<String, String> formatByFile, Map<String, CsvHeader> csvHeaders) {}

  public static Result run(SparkSession spark, PipelineConfig config, Options options)
      throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<Dataset, InputPlan> plans = new EnumMap<>(Dataset.class);
    if (!options.inventory().isEmpty()) {
      plans.put(Dataset.INVENTORY, plan(hadoop, config, Dataset.INVENTORY, options.inventory()));
    }
    if (!options.requests().isEmpty()) {
      plans.put(Dataset.REQUESTS, plan(hadoop, config, Dataset.REQUESTS, options.requests()));
    }
    String dt = "dt=" + options.date();
    Map<String, DatasetMetrics> results = new LinkedHashMap<>();
    boolean breached = false;
    double maxRate = config.get(Keys.VALIDATE_MAX_REJECT_RATE);
    for (InputPlan plan : plans.values()) {
      spark.sparkContext().setJobGroup("validate-" + plan.dataset().text(),
          "ippipe validate " + plan.dataset().text() + " " + options.date(), false);
      DatasetMetrics m = validate(spark, config, plan, options.out(), dt);
      results.put(plan.dataset().text(), m);
      if (m.rejectRate() > maxRate) {
        breached = true;
      }
    }
    String metricsFile = options.out() + "/_metrics/" + dt + "/validate.json";
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("date", options.date().toString());
    doc.put("max_reject_rate", maxRate);
    doc.put("gate_breached", breached);
    doc.put("datasets", results);
    OutputWriter.writeText(hadoop, metricsFile, JSON.writeValueAsString(doc));
    for (DatasetMetrics m : results.values()) {
      LOG.info("validate {} {}: read {}, valid {} ({} duplicates), rejected {} ({} structural), "
              + "reject rate {}", options.date(), m.dataset(), m.recordsRead(), m.valid(),
          m.duplicates(), m.rejected(), m.structuralRejects(), String.format("%.4f", m.rejectRate()));
    }
    Result result = new Result(options.date(), results, metricsFile, breached);
    if (breached) {
      throw new QualityGateException(String.format(
          "Data-quality gate breached: a reject rate is above validate.max_reject_rate (%s); "
              + "outputs and %s were written", maxRate, metricsFile));
    }
    return result;
  }

  static InputPlan plan(Configuration hadoop, PipelineConfig config, Dataset dataset,
      List<String> paths) throws Exception {
    List<String> files = InputFiles.list(hadoop, dataset.text(), paths);
    Map<String, String> formats = new HashMap<>();
    Map<String, CsvHeader> headers = new HashMap<>();
    List<String> text = new ArrayList<>();
    List<String> parquet = new ArrayList<>();
    InventoryFormat inventoryFormat = config.get(Keys.VALIDATE_INVENTORY_FORMAT);
    LogFormat logFormat = config.get(Keys.VALIDATE_REQUESTS_FORMAT);
    for (String file : files) {
      String format;
      // Only auto-detection looks into the file; an empty one is zero records in any format,
      // so it needs no format.
      boolean detect = (dataset == Dataset.INVENTORY ? inventoryFormat : logFormat) == null;
      boolean parquetFile = detect && InputFiles.isParquet(hadoop, file);
      boolean empty = detect && !parquetFile && InputFiles.isEmpty(hadoop, file);
      if (dataset == Dataset.INVENTORY) {
        InventoryFormat f = empty ? InventoryFormat.PLAIN : inventoryFormat;
        if (f == null) {
          f = parquetFile ? InventoryFormat.PARQUET
              : InventoryFormat.detect(LineReader.head(hadoop, file, 50));
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
              : LogFormat.detect(LineReader.head(hadoop, file, 50));
        }
        if (f == null) {
          throw new ConfigException("Cannot detect the log format of " + file
              + ": no line looks like any format; set --log-format");
        }
        format = f.name();
      }
      if (format.equals("PARQUET")) {
        InputFiles.checkParquetFooter(hadoop, file);
      }
      formats.put(file, format);
      (format.equals("PARQUET") ? parquet : text).add(file);
    }
    return new InputPlan(dataset, text, parquet, formats, headers);
  }

  private static DatasetMetrics validate(SparkSession spark, PipelineConfig config, InputPlan plan,
      String out, String dt) throws Exception {
    Dataset dataset = plan.dataset();
    StructType datasetSchema = dataset == Dataset.INVENTORY ? Schemas.INVENTORY : Schemas.REQUESTS;
    StructType parsedSchema = Schemas.parsed(datasetSchema);
    org.apache.spark.sql.Dataset<Row> parsed = null;
    if (!plan.textFiles().isEmpty()) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      parsed = spark.createDataFrame(LineReader.read(jsc, plan.textFiles())
          .mapPartitions(new ParseText(dataset, config, plan.formatByFile(), plan.csvHeaders())),
          parsedSchema);
    }
    if (!plan.parquetFiles().isEmpty()) {
      org.apache.spark.sql.Dataset<Row> fromParquet = readParquet(spark, config, plan, parsedSchema);
      parsed = parsed == null ? fromParquet : parsed.unionByName(fromParquet);
    }
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return account(spark, config, plan, parsed, datasetSchema, out, dt);
    } finally {
      parsed.unpersist();
    }
  }

  private static org.apache.spark.sql.Dataset<Row> readParquet(SparkSession spark,
      PipelineConfig config, InputPlan plan, StructType parsedSchema) {
    org.apache.spark.sql.Dataset<Row> input =
        spark.read().parquet(plan.parquetFiles().toArray(new String[0]));
    List<String> known = plan.dataset() == Dataset.INVENTORY ? InventoryParser.FIELDS : LogParser.FIELDS;
    java.util.function.Predicate<String> isAddress = plan.dataset() == Dataset.INVENTORY
        ? InventoryParser::isAddressField : LogParser::isAddressField;
    List<Column> columns = new ArrayList<>();
    columns.add(col("_metadata.file_path"));
    columns.add(col("_metadata.row_index"));
    List<String> present = new ArrayList<>();
    for (String name : known) {
      if (Arrays.asList(input.columns()).contains(name)) {
        present.add(name);
        boolean timestamp = input.schema().apply(name).dataType().equals(DataTypes.TimestampType);
        columns.add(timestamp
            ? org.apache.spark.sql.functions.expr(String.format(
                "concat(cast(floor(unix_micros(`%1$s`) / 1000000) as string), '.', "
                    + "lpad(cast(pmod(unix_micros(`%1$s`), 1000000) as string), 6, '0'))", name))
                .as(name)
            : col(name).cast(DataTypes.StringType).as(name));
      }
    }
    if (present.stream().noneMatch(isAddress)) {
      throw new ConfigException("Cannot read " + plan.dataset().text() + " Parquet input "
          + plan.parquetFiles() + ": no address column, expected one of "
          + known.stream().filter(isAddress).toList());
    }
    return input.select(columns.toArray(new Column[0]))
        .map(new ParseParquet(plan.dataset(), config, present.toArray(new String[0])),
            org.apache.spark.sql.Encoders.row(parsedSchema));
  }

  private static DatasetMetrics account(SparkSession spark, PipelineConfig config, InputPlan plan,
      org.apache.spark.sql.Dataset<Row> parsed, StructType datasetSchema, String out, String dt) {
    Dataset dataset = plan.dataset();
    // 1. Line numbers: the length of every split, summed per file in split order.
    List<Tuple2<Tuple2<String, Long>, Long>> splitLines = new ArrayList<>();
    for (Row r : parsed.groupBy("source_file", "split_start")
        .agg(max("index_in_split").plus(1).as("lines")).collectAsList()) {
      splitLines.add(new Tuple2<>(new Tuple2<>(r.getString(0), r.getLong(1)), r.getLong(2)));
    }
    LineNumbers numbers = new LineNumbers(splitLines);
    List<Row> firstLines = new ArrayList<>();
    for (Tuple2<Tuple2<String, Long>, Long> t : splitLines) {
      firstLines.add(RowFactory.create(t._1()._1(), t._1()._2(),
          numbers.lineNumber(t._1()._1(), t._1()._2(), 0)));
    }
    StructType firstLineSchema = new StructType()
        .add("source_file", DataTypes.StringType).add("split_start", DataTypes.LongType)
        .add("first_line", DataTypes.LongType);
    org.apache.spark.sql.Dataset<Row> numbered = parsed.join(
            org.apache.spark.sql.functions.broadcast(spark.createDataFrame(firstLines, firstLineSchema)),
            new String[] {"source_file", "split_start"})
        .withColumn("source_line", col("first_line").plus(col("index_in_split")));

    // 2. Counts per file and reason, from the parsed rows themselves.
    Map<String, Map<String, Long>> byFileReason = new TreeMap<>();
    for (Row r : parsed.groupBy("source_file", "reason").agg(count(lit(1))).collectAsList()) {
      byFileReason.computeIfAbsent(r.getString(0), f -> new TreeMap<>())
          .put(r.isNullAt(1) ? "" : r.getString(1), r.getLong(2));
    }

    // 3. Valid rows (inventory deduplicated on ip, port, protocol) and rejects.
    String[] datasetColumns = Schemas.names(datasetSchema);
    org.apache.spark.sql.Dataset<Row> valid = numbered.filter(col("reason").isNull())
        .select(Arrays.stream(datasetColumns).map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    Map<String, Long> duplicatesByFile = new TreeMap<>();
    if (dataset == Dataset.INVENTORY) {
      WindowSpec sameProxy = Window.partitionBy("ip_bytes", "port", "protocol");
      valid = valid
          .withColumn("occurrence", row_number().over(sameProxy.orderBy("source_file", "source_line")))
          .withColumn("listed_count", count(lit(1)).over(sameProxy).cast(DataTypes.IntegerType))
          .persist(StorageLevel.MEMORY_AND_DISK());
      for (Row r : valid.filter(col("occurrence").gt(1)).groupBy("source_file").count().collectAsList()) {
        duplicatesByFile.put(r.getString(0), r.getLong(1));
      }
      valid = valid.filter(col("occurrence").equalTo(1))
          .select(Arrays.stream(Schemas.names(Schemas.INVENTORY_OUT))
              .map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    }
    org.apache.spark.sql.Dataset<Row> rejects = numbered.filter(col("reason").isNotNull())
        .select(Arrays.stream(Schemas.names(Schemas.REJECTS))
            .map(org.apache.spark.sql.functions::col).toArray(Column[]::new));

    long validCount = 0;
    long rejectCount = 0;
    long structural = 0;
    for (Map<String, Long> reasons : byFileReason.values()) {
      for (Map.Entry<String, Long> e : reasons.entrySet()) {
        if (e.getKey().isEmpty()) {
          validCount += e.getValue();
        } else {
          rejectCount += e.getValue();
          if (RejectReason.valueOf(e.getKey()).structural()) {
            structural += e.getValue();
          }
        }
      }
    }
    long duplicates = duplicatesByFile.values().stream().mapToLong(Long::longValue).sum();
    long rowsPerFile = config.get(Keys.OUTPUT_ROWS_PER_FILE);
    String validDir = out + "/validated/" + dataset.text() + "/" + dt;
    String rejectDir = out + "/rejects/" + dt + "/dataset=" + dataset.text();
    OutputWriter.writePartition(valid, validCount - duplicates, rowsPerFile, validDir,
        dataset == Dataset.INVENTORY ? new String[] {"ip_bytes", "port"} : new String[] {"ts"});
    OutputWriter.writePartition(rejects, rejectCount, rowsPerFile, rejectDir,
        "source_file", "source_line", "record_index");
    if (dataset == Dataset.INVENTORY) {
      valid.unpersist();
    }

    // 4. Reconcile against what was written: read = valid + rejected, per file.
    Map<String, Long> writtenValid = countByFile(spark, validDir);
    Map<String, Long> writtenRejects = countByFile(spark, rejectDir);
    List<FileMetrics> files = new ArrayList<>();
    long rowsWritten = 0;
    for (Map.Entry<String, Map<String, Long>> e : byFileReason.entrySet()) {
      String file = e.getKey();
      long read = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      long fileDuplicates = duplicatesByFile.getOrDefault(file, 0L);
      long fileValid = writtenValid.getOrDefault(file, 0L) + fileDuplicates;
      long fileRejected = writtenRejects.getOrDefault(file, 0L);
      rowsWritten += writtenValid.getOrDefault(file, 0L);
      if (read != fileValid + fileRejected) {
        throw new IllegalStateException(String.format(
            "Cannot reconcile %s input %s: read %d records, but valid %d + rejected %d were written",
            dataset.text(), file, read, fileValid, fileRejected));
      }
      Map<String, Long> reasons = new TreeMap<>(e.getValue());
      reasons.remove("");
      files.add(new FileMetrics(file, plan.formatByFile().getOrDefault(file, "PARQUET").toLowerCase(),
          numbers.linesPerFile().getOrDefault(file, 0L), read, fileValid, fileRejected, reasons,
          fileDuplicates));
    }
    // Files that gave no record (empty ones) are accounted for too, with zeros.
    for (String file : plan.formatByFile().keySet()) {
      if (!byFileReason.containsKey(file) && !plan.formatByFile().get(file).equals("PARQUET")) {
        files.add(new FileMetrics(file, plan.formatByFile().get(file).toLowerCase(), 0, 0, 0, 0,
            Map.of(), 0));
      }
    }
    long read = validCount + rejectCount;
    double rate = read == 0 ? 0.0 : (double) (rejectCount - structural) / read;
    return new DatasetMetrics(dataset.text(), files, read, validCount, rejectCount, structural,
        duplicates, rowsWritten, rate);
  }

  private static Map<String, Long> countByFile(SparkSession spark, String dir) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : spark.read().parquet(dir).groupBy("source_file").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }
}
