package io.ippipe.jobs.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A Parquet file's pages checked, before the pass reads it, for what they state that a reader
 * trusts and cannot survive. parquet-mr allocates a page's stated uncompressed size whole, and
 * a dictionary's stated entries, trusting the header: one header claiming 2 GiB made every task
 * that read the file allocate 2 GiB, and an executor out of memory dies with every task on it.
 * This bounds what headers state: a page within its chunk, an uncompressed page its own size, a
 * dictionary's entries by their width, and per row group the pages and dictionaries a reader
 * holds at once. Inside each data page, Spark's decoder trusts the runs of levels and ids the
 * same way: runs that end early hang its task for ever, a run stating billions of values
 * allocates them ({@link PageRuns}). So the check reads and decompresses every data page of the
 * columns the pass reads, once more than the pass does (measured in docs/performance.md). The
 * footer says where the chunks are; they are read in tasks, a row group each.
 */
public final class ParquetPages {
  /**
   * The most a page may state it holds uncompressed. parquet-mr and Arrow cut pages near 1 MiB;
   * DuckDB only at 100 MB, so a column of one of its row groups can be one page that large.
   */
  static final long MAX_PAGE_BYTES = 256L << 20;
  /**
   * The most a reader may hold for one row group of the columns read: each column's largest
   * page and its dictionary decoded (an entry of text decodes to objects of about 96 bytes).
   */
  static final long MAX_ROW_GROUP_BYTES = 1L << 30;
  /** Read at once where a page starts: its header, and the page itself if small. */
  static final long HEADER_WINDOW = 64 << 10;
  /**
   * The most a page header may take: parquet-mr keeps a page's minimum and maximum in it, and
   * a long text value makes it as long.
   */
  static final long MAX_HEADER_BYTES = 16 << 20;

  private ParquetPages() {}

  /** A column chunk of a row group: where it lies and what it holds uncompressed. */
  public record Chunk(int rowGroup, String column, long start, long size, long uncompressed,
      String codec, String type, int typeLength, int maxRepetition, int maxDefinition)
      implements Serializable {
    boolean compressed() {
      return !codec.equals(CompressionCodecName.UNCOMPRESSED.name());
    }

    /** The fewest bytes a plain dictionary entry of the type takes in its page. */
    long entryBytes() {
      return switch (type) {
        case "INT64", "DOUBLE" -> 8;
        case "INT96" -> 12;
        case "FIXED_LEN_BYTE_ARRAY" -> Math.max(1, typeLength);
        case "BOOLEAN" -> 1;
        default -> 4; // INT32, FLOAT, and BINARY's length prefix
      };
    }

    /** What a dictionary entry takes decoded in memory. */
    long decodedBytes() {
      return switch (type) {
        case "INT32", "FLOAT", "BOOLEAN" -> 4;
        case "INT64", "DOUBLE" -> 8;
        default -> 96; // a Binary over a buffer slice
      };
    }
  }

  /** A file's chunks of the top-level columns {@code read} accepts (those the pass reads). */
  static List<Chunk> chunks(ParquetMetadata footer, Predicate<String> read) {
    List<Chunk> out = new ArrayList<>();
    List<BlockMetaData> blocks = footer.getBlocks();
    MessageType schema = footer.getFileMetaData().getSchema();
    for (int b = 0; b < blocks.size(); b++) {
      for (ColumnChunkMetaData c : blocks.get(b).getColumns()) {
        if (read.test(c.getPath().toArray()[0])) {
          ColumnDescriptor column = schema.getColumnDescription(c.getPath().toArray());
          out.add(new Chunk(b, c.getPath().toDotString(), c.getStartingPos(), c.getTotalSize(),
              c.getTotalUncompressedSize(), c.getCodec().name(),
              c.getPrimitiveType().getPrimitiveTypeName().name(),
              c.getPrimitiveType().getTypeLength(), column.getMaxRepetitionLevel(),
              column.getMaxDefinitionLevel()));
        }
      }
    }
    return out;
  }

  /**
   * Why the footer places a chunk where no reader can read it (outside the file's pages), or
   * null: a reader would fail there in its storage read, which the pass takes for the storage's
   * failure, not the file's.
   */
  static String misplaced(List<Chunk> chunks, long pagesEnd) {
    for (Chunk c : chunks) {
      if (c.start() < 4 || c.size() < 0 || c.start() + c.size() > pagesEnd) {
        return String.format(Locale.ROOT, "row group %d, column %s: the footer places it at "
            + "bytes %,d-%,d, outside the file's pages (4-%,d)", c.rowGroup(), c.column(),
            c.start(), c.start() + c.size(), pagesEnd);
      }
    }
    return null;
  }

  /**
   * The files of {@code chunks} whose pages would make a reader allocate more than they justify
   * or never finish, each with why; read in Spark tasks, a row group of a file each.
   */
  public static Map<String, String> refused(JavaSparkContext jsc, Map<String, List<Chunk>> chunks,
      HadoopConf conf) {
    List<Tuple2<String, List<Chunk>>> rowGroups = new ArrayList<>();
    chunks.forEach((file, list) -> {
      Map<Integer, List<Chunk>> byGroup = new TreeMap<>();
      list.forEach(c -> byGroup.computeIfAbsent(c.rowGroup(), g -> new ArrayList<>()).add(c));
      byGroup.values().forEach(g -> rowGroups.add(new Tuple2<>(file, g)));
    });
    Map<String, String> out = new LinkedHashMap<>();
    if (rowGroups.isEmpty()) {
      return out;
    }
    int slices = Math.min(rowGroups.size(), 4 * jsc.defaultParallelism());
    for (Tuple2<String, String> r : jsc.parallelize(rowGroups, slices)
        .mapPartitions(groups -> check(groups, conf)).collect()) {
      out.putIfAbsent(r._1(), r._2());
    }
    return out;
  }

  private static Iterator<Tuple2<String, String>> check(
      Iterator<Tuple2<String, List<Chunk>>> groups, HadoopConf conf) throws IOException {
    List<Tuple2<String, String>> out = new ArrayList<>();
    CodecFactory codecs = new CodecFactory(conf.get(), 0);
    try {
      while (groups.hasNext()) {
        Tuple2<String, List<Chunk>> g = groups.next();
        try (SeekableInputStream in = HadoopInputFile.fromPath(new Path(g._1()), conf.get())
            .newStream()) {
          long held = 0;
          String why = null;
          for (Chunk c : g._2()) {
            long[] holds = new long[1];
            why = unsafe(c, in, holds, codecs);
            if (why != null) {
              break;
            }
            held += holds[0];
          }
          if (why == null && held > MAX_ROW_GROUP_BYTES) {
            why = String.format(Locale.ROOT, "row group %d: its pages and dictionaries state %,d "
                + "bytes a reader holds at once, more than %,d", g._2().get(0).rowGroup(), held,
                MAX_ROW_GROUP_BYTES);
          }
          if (why != null) {
            out.add(new Tuple2<>(g._1(), why));
          }
        }
      }
    } finally {
      codecs.release();
    }
    return out.iterator();
  }

  /**
   * Why a reader of this chunk would allocate more than the file justifies or never finish, or
   * null; {@code holds[0]} gets what a reader holds of it at once (its largest page and its
   * dictionary decoded). A header that does not parse ends the check of its chunk only: the
   * pass reads the rows before it, and the reader's own failure there makes the rest one reject.
   */
  static String unsafe(Chunk chunk, SeekableInputStream in, long[] holds, CodecFactory codecs)
      throws IOException {
    long pos = chunk.start();
    long end = pos + chunk.size();
    long limit = Math.min(chunk.uncompressed(), MAX_PAGE_BYTES);
    long largest = 0;
    long dictionary = 0;
    while (pos >= 0 && pos < end) {
      Header header = readHeader(in, pos, end);
      if (header == null) {
        return null; // no header: the reader fails there too
      }
      PageHeader h = header.page();
      long claimed = h.getUncompressed_page_size();
      String why = null;
      if (claimed > limit) {
        why = String.format(Locale.ROOT, "a page states %,d bytes uncompressed, its whole "
            + "column chunk %,d and a page may hold %,d", claimed, chunk.uncompressed(),
            MAX_PAGE_BYTES);
      } else if (h.getCompressed_page_size() > MAX_PAGE_BYTES + MAX_PAGE_BYTES / 4) {
        why = String.format(Locale.ROOT, "a page states %,d bytes stored, and a page may hold "
            + "%,d", h.getCompressed_page_size(), MAX_PAGE_BYTES);
      } else if (!chunk.compressed() && claimed != h.getCompressed_page_size()) {
        why = String.format(Locale.ROOT, "an uncompressed page states %,d bytes uncompressed "
            + "and %,d stored", claimed, h.getCompressed_page_size());
      } else if (h.isSetDictionary_page_header() && h.getDictionary_page_header().getNum_values()
          > Math.max(claimed, 0) / chunk.entryBytes()) {
        why = String.format(Locale.ROOT, "a dictionary page states %,d entries in %,d bytes",
            h.getDictionary_page_header().getNum_values(), claimed);
      }
      int stored = h.getCompressed_page_size();
      long body = pos + header.bytes();
      if (why == null && stored >= 0 && body + stored <= end && PageRuns.walked(chunk, h)) {
        byte[] window = header.window();
        byte[] bytes = header.bytes() + stored <= window.length
            ? java.util.Arrays.copyOfRange(window, header.bytes(), header.bytes() + stored)
            : read(in, body, stored);
        why = PageRuns.check(chunk, h, bytes, codecs);
      }
      if (why != null) {
        return String.format(Locale.ROOT, "row group %d, column %s: %s", chunk.rowGroup(),
            chunk.column(), why);
      }
      largest = Math.max(largest, claimed);
      if (h.isSetDictionary_page_header()) {
        dictionary += h.getDictionary_page_header().getNum_values() * chunk.decodedBytes();
      }
      holds[0] = largest + dictionary;
      if (stored < 0) {
        return null;
      }
      pos = body + stored;
    }
    return null;
  }

  /** A page's header, the bytes read from where it starts, and how many of them it took. */
  private record Header(PageHeader page, byte[] window, int bytes) {}

  /**
   * The header of the page at {@code pos}, or null if none parses before {@code end}: read with
   * a window of what follows, the page itself if small, then a larger one if the header is
   * longer. A failure of a read is the storage's and propagates, so that Spark tries the task
   * again.
   */
  private static Header readHeader(SeekableInputStream in, long pos, long end)
      throws IOException {
    for (long size : new long[] {HEADER_WINDOW, MAX_HEADER_BYTES}) {
      byte[] window = read(in, pos, Math.min(end - pos, size));
      ByteArrayInputStream header = new ByteArrayInputStream(window);
      try {
        PageHeader page = Util.readPageHeader(header);
        return new Header(page, window, window.length - header.available());
      } catch (IOException | RuntimeException e) {
        if (window.length == end - pos) {
          return null; // no more bytes to try
        }
      }
    }
    return null;
  }

  private static byte[] read(SeekableInputStream in, long at, long length) throws IOException {
    byte[] bytes = new byte[(int) length];
    in.seek(at);
    in.readFully(bytes);
    return bytes;
  }
}
