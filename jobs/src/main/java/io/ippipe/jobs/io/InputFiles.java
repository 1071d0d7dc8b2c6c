package io.ippipe.jobs.io;

import io.ippipe.common.error.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Lists input files on any Hadoop file system, before any data is read. */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Files under each path or glob, recursively, skipping hidden and bookkeeping files
   * ({@code _SUCCESS}, {@code .crc}). A path that matches nothing is a usage error.
   */
  public static List<String> list(Configuration conf, String what, List<String> paths) {
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw new ConfigException("Cannot read " + what + " input: no such file or directory (" + p + ")");
        }
        for (FileStatus status : matches) {
          if (status.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(status.getPath(), true);
            while (it.hasNext()) {
              LocatedFileStatus f = it.next();
              if (!hidden(f.getPath(), status.getPath())) {
                files.add(f.getPath().toString());
              }
            }
          } else {
            files.add(status.getPath().toString());
          }
        }
      } catch (IOException e) {
        throw new ConfigException("Cannot list " + what + " input " + p + ": " + e.getMessage(), e);
      }
    }
    if (files.isEmpty()) {
      throw new ConfigException("Cannot read " + what + " input: no files under " + paths);
    }
    files.sort(null);
    return files;
  }

  /** {@link #list} with each file's size and modification time, for a stage's done marker. */
  public static List<InputFile> describe(Configuration conf, String what, List<String> paths) {
    List<InputFile> out = new ArrayList<>();
    if (paths.isEmpty()) {
      return out;
    }
    for (String file : list(conf, what, paths)) {
      Path p = new Path(file);
      try {
        FileStatus s = p.getFileSystem(conf).getFileStatus(p);
        out.add(new InputFile(file, s.getLen(), s.getModificationTime()));
      } catch (IOException e) {
        throw new ConfigException("Cannot read " + what + " input " + file + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static boolean hidden(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Parquet by extension or by its "PAR1" magic. */
  public static boolean isParquet(Configuration conf, String file) {
    if (file.endsWith(".parquet")) {
      return true;
    }
    Path path = new Path(file);
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 'P' && magic[1] == 'A' && magic[2] == 'R' && magic[3] == '1';
    } catch (IOException e) {
      throw new ConfigException("Cannot read input file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a Parquet file's footer states: its schema, how many rows its row groups hold, its size,
   * where the chunks of the columns the pass reads lie ({@link ParquetPages}), and why the
   * footer places one outside the file, or null.
   */
  public record ParquetFooter(org.apache.parquet.schema.MessageType type, long rows, long bytes,
      List<ParquetPages.Chunk> chunks, String misplaced, java.util.Set<String> nanosColumns) {
    /** The schema as text: files of the same text are read together. */
    public String schema() {
      return type.toString();
    }
  }

  /**
   * The top-level columns of {@code schema} that hold timestamps in nanoseconds: the input's
   * reading session reads them as their INT64 (spark.sql.legacy.parquet.nanosAsLong), so only
   * the footer tells them from a number of seconds.
   */
  static java.util.Set<String> nanosColumns(org.apache.parquet.schema.MessageType schema) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (org.apache.parquet.schema.Type t : schema.getFields()) {
      if (t.getLogicalTypeAnnotation() instanceof org.apache.parquet.schema
          .LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
          && ts.getUnit() == org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.NANOS) {
        out.add(t.getName());
      }
    }
    return java.util.Set.copyOf(out);
  }

  /**
   * Reads a Parquet file's footer on the driver, so that a truncated or corrupt file fails the
   * run before anything is written, with its name, instead of as a task failure deep in a stage.
   * The schema lets files of one feed that disagree on their columns' types each be read by
   * their own; the row count is what the pass must account for, a row it could not read too.
   */
  public static ParquetFooter parquetFooter(Configuration conf, String file,
      java.util.function.Predicate<String> columns) {
    Path path = new Path(file);
    try {
      org.apache.parquet.hadoop.util.HadoopInputFile input =
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, conf);
      try (org.apache.parquet.hadoop.ParquetFileReader reader =
          org.apache.parquet.hadoop.ParquetFileReader.open(input)) {
        List<ParquetPages.Chunk> chunks = ParquetPages.chunks(reader.getFooter(), columns);
        org.apache.parquet.schema.MessageType schema =
            reader.getFooter().getFileMetaData().getSchema();
        return new ParquetFooter(schema, reader.getRecordCount(), input.getLength(),
            chunks, ParquetPages.misplaced(chunks, input.getLength() - 8), nanosColumns(schema));
      }
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ConfigException("Cannot read Parquet input " + file + ": it is corrupt or not "
          + "Parquet (" + why + "); replace or remove it. Nothing was written.", e);
    }
  }

  /**
   * {@link #parquetFooter} of each file, several at once: on object storage every footer is a
   * request of its own, and a day is many files.
   */
  public static java.util.Map<String, ParquetFooter> parquetFooters(Configuration conf,
      List<String> files, java.util.function.Predicate<String> columns) {
    java.util.Map<String, ParquetFooter> out = new java.util.HashMap<>();
    if (files.isEmpty()) {
      return out;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.min(16, files.size()), r -> {
          Thread t = new Thread(r, "ippipe-parquet-footers");
          t.setDaemon(true);
          return t;
        });
    try {
      List<java.util.concurrent.Future<ParquetFooter>> read = new ArrayList<>();
      for (String file : files) {
        read.add(pool.submit(() -> parquetFooter(conf, file, columns)));
      }
      for (int i = 0; i < files.size(); i++) {
        out.put(files.get(i), read.get(i).get());
      }
      return out;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading Parquet footers", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whether the file has no bytes at all (an empty day of a source). */
  public static boolean isEmpty(Configuration conf, String file) {
    Path path = new Path(file);
    try {
      return path.getFileSystem(conf).getFileStatus(path).getLen() == 0;
    } catch (IOException e) {
      throw new ConfigException("Cannot read input file " + file + ": " + e.getMessage(), e);
    }
  }
}
