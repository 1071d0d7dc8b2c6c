package io.ippipe.jobs.ingest;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Seekable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.io.compress.SplitCompressionInputStream;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.CompressedSplitLineReader;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.SplitLineReader;
import org.apache.hadoop.mapreduce.lib.input.UncompressedSplitLineReader;

/**
 * Text lines with Hadoop's split rules (a split reads every line that starts inside it; plain
 * files split anywhere, compressed ones by codec; LF, CRLF and CR ends, also across a split
 * boundary), but with a line's memory bounded while it is read: a line longer than
 * {@link #MAX_LINE_BYTES} is kept to its first {@code max + 1} bytes and the rest of it is read
 * past, so the reader hands it on as one over-long line (a reject) and goes on with the next.
 *
 * <p>Why not Hadoop's own LineRecordReader: its length limit drops an over-long line silently
 * (a line read would be lost from the accounting), and without the limit it holds the whole
 * line in memory, so one multi-gigabyte line, or a gzip stream with no newline, takes the
 * executor down. The split handling below follows LineRecordReader's and reuses its line
 * readers; only the length rule differs.
 */
public final class BoundedLineInputFormat extends FileInputFormat<LongWritable, Text> {
  /** Lines longer than this many bytes come out cut to max + 1 bytes (the caller rejects them). */
  public static final String MAX_LINE_BYTES = "ippipe.ingest.max_line_bytes";

  @Override
  public RecordReader<LongWritable, Text> createRecordReader(InputSplit split,
      TaskAttemptContext context) {
    return new Reader();
  }

  @Override
  protected boolean isSplitable(JobContext context, Path file) {
    CompressionCodec codec = new CompressionCodecFactory(context.getConfiguration()).getCodec(file);
    return codec == null || codec instanceof SplittableCompressionCodec;
  }

  static final class Reader extends RecordReader<LongWritable, Text> {
    private long start;
    private long pos;
    private long end;
    private SplitLineReader in;
    private FSDataInputStream fileIn;
    private Seekable filePosition;
    private boolean compressed;
    private Decompressor decompressor;
    private int keepBytes;
    private final LongWritable key = new LongWritable();
    private final Text value = new Text();

    @Override
    public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
      FileSplit split = (FileSplit) genericSplit;
      Configuration conf = context.getConfiguration();
      int max = conf.getInt(MAX_LINE_BYTES, 4 << 20);
      keepBytes = max == Integer.MAX_VALUE ? max : max + 1;
      start = split.getStart();
      end = start + split.getLength();
      Path file = split.getPath();
      fileIn = file.getFileSystem(conf).open(file);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
      if (codec != null) {
        compressed = true;
        decompressor = CodecPool.getDecompressor(codec);
        if (codec instanceof SplittableCompressionCodec) {
          SplitCompressionInputStream cIn = ((SplittableCompressionCodec) codec).createInputStream(
              fileIn, decompressor, start, end, SplittableCompressionCodec.READ_MODE.BYBLOCK);
          in = new CompressedSplitLineReader(cIn, conf, null);
          start = cIn.getAdjustedStart();
          end = cIn.getAdjustedEnd();
          filePosition = cIn;
        } else {
          if (start != 0) {
            throw new IOException("Cannot seek in " + codec.getClass().getSimpleName()
                + " compressed stream " + file);
          }
          in = new SplitLineReader(codec.createInputStream(fileIn, decompressor), conf, null);
          filePosition = fileIn;
        }
      } else {
        fileIn.seek(start);
        in = new UncompressedSplitLineReader(fileIn, conf, null, split.getLength());
        filePosition = fileIn;
      }
      // A split after the first starts inside a line that the split before it reads whole:
      // skip to the end of that line, however long (nothing of it is kept).
      if (start != 0) {
        start += in.readLine(new Text(), 0, Integer.MAX_VALUE);
      }
      pos = start;
    }

    private long filePosition() throws IOException {
      return compressed ? filePosition.getPos() : pos;
    }

    @Override
    public boolean nextKeyValue() throws IOException {
      // One line beyond the split's end is read when the split ends inside it.
      if (filePosition() > end && !in.needAdditionalRecordAfterSplit()) {
        return false;
      }
      key.set(pos);
      // Reads to the end of the line whatever its length, keeping at most keepBytes of it.
      int consumed = in.readLine(value, keepBytes, Integer.MAX_VALUE);
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
      return start == end ? 0f : Math.min(1f, (filePosition() - start) / (float) (end - start));
    }

    @Override
    public void close() throws IOException {
      try {
        if (in != null) {
          in.close();
        } else if (fileIn != null) {
          fileIn.close();
        }
      } finally {
        if (decompressor != null) {
          CodecPool.returnDecompressor(decompressor);
          decompressor = null;
        }
      }
    }
  }
}
