package io.ippipe.jobs.ingest;

import io.ippipe.jobs.io.SourceStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;

/**
 * Text lines with Hadoop's split rules (a split reads every line that starts inside it, and the
 * line that starts at its end; a split after the first skips the line it starts in; LF, CRLF
 * and CR ends, also across a split boundary), but with a line's memory bounded while it is
 * read: a line longer than {@link #MAX_LINE_BYTES} is kept to its first {@code max + 1} bytes
 * and the rest of it is read past, so the reader hands it on as one over-long line (a reject)
 * and goes on with the next. A line costs at most {@code max + 1} bytes and one read buffer.
 *
 * <p>Why not Hadoop's LineRecordReader and its line readers: its length limit drops an
 * over-long line silently (a line read would be lost from the accounting); without the limit
 * it holds the whole line in memory, so one multi-gigabyte line, or a gzip stream with no
 * newline, takes the executor down; and it counts a line's bytes in an int, failing the task
 * on a line past 2 GiB ("Too many bytes before newline"), even in the split that only skips
 * the line's tail.
 *
 * <p>Compressed files are read whole, by one task each, from their first byte: gzip cannot be
 * split anyway, and bzip2's split reader is Hadoop's int-counting one.
 */
public final class BoundedLineInputFormat extends FileInputFormat<LongWritable, Text> {
  /** Lines longer than this many bytes come out cut to max + 1 bytes (the caller rejects them). */
  public static final String MAX_LINE_BYTES = "ippipe.ingest.max_line_bytes";
  /** The read buffer, the only memory a line costs beyond the bytes kept of it. */
  public static final String BUFFER_BYTES = "ippipe.ingest.read_buffer_bytes";
  /**
   * The key of the last record of a compressed file whose stream ends early or is corrupt (a
   * log copied mid-rotation): an empty value after the lines that could be read, for the pass
   * to reject as TRUNCATED_INPUT. Failing the task instead failed it on every retry, and the
   * night with it.
   */
  public static final long BROKEN_STREAM = -1L;
  /** The detail of that record's reject. */
  static final String BROKEN_STREAM_DETAIL = "the compressed stream ends early or is corrupt "
      + "here: no line after this one could be read";

  @Override
  public RecordReader<LongWritable, Text> createRecordReader(InputSplit split,
      TaskAttemptContext context) {
    return new Reader();
  }

  @Override
  protected boolean isSplitable(JobContext context, Path file) {
    return new CompressionCodecFactory(context.getConfiguration()).getCodec(file) == null;
  }

  /**
   * Lines of a byte stream, each counted in a long (a line can be longer than 2 GiB) and kept
   * to a given number of bytes. A CR at the end of the buffer looks at the next buffer for its
   * LF, so CRLF is one line end wherever the buffer ends.
   */
  static final class Lines {
    private final InputStream in;
    private final byte[] buffer;
    private int bufferPos;
    private int bufferLength;

    Lines(InputStream in, int bufferBytes) {
      this.in = in;
      this.buffer = new byte[bufferBytes];
    }

    private boolean fill() throws IOException {
      bufferPos = 0;
      int n;
      do {
        n = in.read(buffer, 0, buffer.length);
      } while (n == 0);
      bufferLength = Math.max(n, 0);
      return n > 0;
    }

    /**
     * The next line into {@code value}, at most {@code keep} bytes of it; returns the bytes
     * read, line end included: 0 only at the end of the stream.
     */
    long readLine(Text value, int keep) throws IOException {
      value.clear();
      long consumed = 0;
      while (true) {
        if (bufferPos >= bufferLength && !fill()) {
          return consumed;
        }
        int from = bufferPos;
        int i = from;
        while (i < bufferLength && buffer[i] != '\n' && buffer[i] != '\r') {
          i++;
        }
        int room = keep - value.getLength();
        if (room > 0 && i > from) {
          value.append(buffer, from, Math.min(room, i - from));
        }
        consumed += i - from;
        bufferPos = i;
        if (i < bufferLength) {
          byte end = buffer[i];
          bufferPos++;
          consumed++;
          if (end == '\r' && (bufferPos < bufferLength || fill()) && buffer[bufferPos] == '\n') {
            bufferPos++;
            consumed++;
          }
          return consumed;
        }
      }
    }
  }

  static final class Reader extends RecordReader<LongWritable, Text> {
    private long start;
    private long pos;
    private long end;
    private Lines lines;
    private InputStream in;
    private FSDataInputStream fileIn;
    private boolean compressed;
    private boolean broken;
    private boolean brokenReported;
    private long fileLength;
    private Decompressor decompressor;
    private int keepBytes;
    private final LongWritable key = new LongWritable();
    private final Text value = new Text();

    @Override
    public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
      try {
        open((FileSplit) genericSplit, context);
      } catch (IOException | RuntimeException e) {
        // Spark closes only a reader that initialized: the file and decompressor go back here.
        close();
        throw e;
      }
    }

    private void open(FileSplit split, TaskAttemptContext context) throws IOException {
      Configuration conf = context.getConfiguration();
      int max = conf.getInt(MAX_LINE_BYTES, 4 << 20);
      keepBytes = max == Integer.MAX_VALUE ? max : max + 1;
      int bufferBytes = Math.max(1, conf.getInt(BUFFER_BYTES, 64 << 10));
      start = split.getStart();
      end = start + split.getLength();
      Path file = split.getPath();
      fileIn = file.getFileSystem(conf).open(file);
      fileLength = file.getFileSystem(conf).getFileStatus(file).getLen();
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
      if (codec != null) {
        if (start != 0) {
          throw new IOException("Cannot seek in " + codec.getClass().getSimpleName()
              + " compressed stream " + file);
        }
        compressed = true;
        decompressor = CodecPool.getDecompressor(codec);
        try {
          in = codec.createInputStream(new SourceStream(fileIn, fileLength, file), decompressor);
        } catch (IOException | RuntimeException e) {
          // bzip2 reads its first block here: a file cut inside it has no line at all.
          SourceStream.rethrowUnlessBrokenData(e);
          in = InputStream.nullInputStream();
          broken = true;
        }
      } else {
        fileIn.seek(start);
        in = new SourceStream(fileIn, fileLength, file);
      }
      lines = new Lines(in, bufferBytes);
      // A split after the first starts inside a line that the split before it reads whole:
      // skip to the end of that line, however long (nothing of it is kept).
      if (start != 0) {
        start += lines.readLine(new Text(), 0);
      }
      pos = start;
    }

    @Override
    public boolean nextKeyValue() throws IOException {
      // The line that starts at the split's end is this split's (the next one skips it).
      if (!compressed && pos > end || brokenReported) {
        return false;
      }
      long consumed = 0;
      if (!broken) {
        key.set(pos);
        try {
          consumed = lines.readLine(value, keepBytes);
        } catch (IOException | RuntimeException e) {
          if (!compressed) {
            throw e;
          }
          SourceStream.rethrowUnlessBrokenData(e);
          broken = true;
        }
      }
      if (broken) {
        // The unfinished line goes with the rest: only whole lines were read.
        brokenReported = true;
        key.set(BROKEN_STREAM);
        value.clear();
        return true;
      }
      pos += consumed;
      return consumed > 0;
    }

    @Override
    public LongWritable getCurrentKey() {
      return key;
    }

    @Override
    public Text getCurrentValue() {
      return value;
    }

    @Override
    public float getProgress() throws IOException {
      if (compressed) {
        return fileLength == 0 ? 0f : Math.min(1f, fileIn.getPos() / (float) fileLength);
      }
      return start == end ? 0f : Math.min(1f, (pos - start) / (float) (end - start));
    }

    @Override
    public void close() throws IOException {
      try {
        if (in != null) {
          in.close();
        }
      } finally {
        if (fileIn != null) {
          // Closed by the stream above but when that is a stand-in (a codec that failed on
          // its first block); closing twice is harmless.
          fileIn.close();
        }
        if (decompressor != null) {
          CodecPool.returnDecompressor(decompressor);
          decompressor = null;
        }
      }
    }
  }
}
