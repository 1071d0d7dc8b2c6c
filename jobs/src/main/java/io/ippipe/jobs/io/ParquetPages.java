package io.ippipe.jobs.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet file's page headers checked, before any task reads it, for sizes a reader would
 * allocate before it decompresses a byte. parquet-mr allocates a page's stated uncompressed size
 * whole, and a dictionary's stated entries, trusting the header: one header claiming 2 GiB made
 * every task that read the file allocate 2 GiB, and an executor out of memory dies with every
 * task on it. Nothing else in a page can do that, so this reads headers only, skipping the data.
 */
final class ParquetPages {
  /**
   * The most a page may state it holds uncompressed. Writers cut pages near 1 MiB (parquet-mr,
   * Arrow, DuckDB); a page 64 times that is a single enormous value, which ingest rejects anyway.
   */
  static final long MAX_PAGE_BYTES = 64L << 20;

  private ParquetPages() {}

  /**
   * Why a reader of the top-level columns {@code read} accepts could be made to allocate more
   * than the file justifies, or null. A header
   * that does not parse ends the check of its column chunk only: the pass reads the rows before
   * it, and the reader's own failure there makes the rest one reject.
   */
  static String unsafe(ParquetMetadata footer, SeekableInputStream in,
      java.util.function.Predicate<String> read) throws IOException {
    List<BlockMetaData> blocks = footer.getBlocks();
    for (int b = 0; b < blocks.size(); b++) {
      for (ColumnChunkMetaData chunk : blocks.get(b).getColumns()) {
        if (!read.test(chunk.getPath().toArray()[0])) {
          continue; // a column the pass does not read cannot make it allocate
        }
        long pos = chunk.getStartingPos();
        long end = pos + chunk.getTotalSize();
        long limit = Math.min(chunk.getTotalUncompressedSize(), MAX_PAGE_BYTES);
        while (pos >= 0 && pos < end) {
          in.seek(pos);
          Counted header = new Counted(in, end - pos);
          PageHeader h;
          try {
            h = Util.readPageHeader(header);
          } catch (IOException | RuntimeException e) {
            break;
          }
          long claimed = h.getUncompressed_page_size();
          String why = null;
          if (claimed > limit) {
            why = String.format(Locale.ROOT, "a page states %,d bytes uncompressed, its whole "
                + "column chunk %,d and a page may hold %,d", claimed,
                chunk.getTotalUncompressedSize(), MAX_PAGE_BYTES);
          } else if (h.isSetDictionary_page_header()
              && h.getDictionary_page_header().getNum_values() > Math.max(claimed, 0)) {
            why = String.format(Locale.ROOT, "a dictionary page states %,d entries in %,d bytes",
                h.getDictionary_page_header().getNum_values(), claimed);
          }
          if (why != null) {
            return String.format(Locale.ROOT, "row group %d, column %s: %s", b,
                chunk.getPath().toDotString(), why);
          }
          if (h.getCompressed_page_size() < 0) {
            break;
          }
          pos += header.count + h.getCompressed_page_size();
        }
      }
    }
    return null;
  }

  /** The bytes a header took, and no read past its column chunk. */
  private static final class Counted extends FilterInputStream {
    private final long max;
    long count;

    Counted(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      if (count >= max) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (count >= max) {
        return -1;
      }
      int n = super.read(buf, off, (int) Math.min(len, max - count));
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) {
      throw new UnsupportedOperationException();
    }
  }
}
