package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line reader of ingest, without Spark: every line of a file is read exactly once over
 * all its splits (LF, CRLF and CR ends, also across a split boundary and a buffer's end), and
 * a line longer than the limit costs memory for the limit, not for the line, however long it is
 * and whatever follows it (plain and gzip input).
 */
class BoundedLineInputFormatTest {
  private static final int MB = 1 << 20;

  /** What a reader gave: each line's kept bytes, and the most memory its line buffer held. */
  record Read(List<byte[]> lines, int maxCapacity) {}

  static Configuration conf(int maxLineBytes, int bufferBytes) {
    Configuration conf = new Configuration(false);
    conf.setInt(BoundedLineInputFormat.MAX_LINE_BYTES, maxLineBytes);
    if (bufferBytes > 0) {
      conf.setInt(BoundedLineInputFormat.BUFFER_BYTES, bufferBytes);
    }
    return conf;
  }

  /** Reads every split in order, as the tasks of one file would. */
  static Read read(Configuration conf, List<InputSplit> splits) throws Exception {
    List<byte[]> lines = new ArrayList<>();
    int maxCapacity = 0;
    for (InputSplit split : splits) {
      try (RecordReader<LongWritable, Text> r = new BoundedLineInputFormat().createRecordReader(
          split, new TaskAttemptContextImpl(conf, new TaskAttemptID()))) {
        r.initialize(split, new TaskAttemptContextImpl(conf, new TaskAttemptID()));
        while (r.nextKeyValue()) {
          Text v = r.getCurrentValue();
          lines.add(v.getLength() <= 64 ? Arrays.copyOf(v.getBytes(), v.getLength())
              : withLength(v));
          maxCapacity = Math.max(maxCapacity, v.getBytes().length);
        }
      }
    }
    return new Read(lines, maxCapacity);
  }

  /** A long line as its length and first bytes (comparing megabytes byte for byte is no use). */
  private static byte[] withLength(Text v) {
    return (v.getLength() + ":" + new String(v.getBytes(), 0, 16, StandardCharsets.ISO_8859_1))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] withLength(byte[] line) {
    return line.length <= 64 ? line
        : (line.length + ":" + new String(line, 0, 16, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Splits cut at the given offsets of a file. */
  static List<InputSplit> splits(Path file, long length, long... cuts) {
    List<InputSplit> out = new ArrayList<>();
    long from = 0;
    for (long cut : cuts) {
      out.add(new FileSplit(new org.apache.hadoop.fs.Path(file.toUri()), from, cut - from, null));
      from = cut;
    }
    out.add(new FileSplit(new org.apache.hadoop.fs.Path(file.toUri()), from, length - from, null));
    return out;
  }

  /** The splits Spark's ingest asks for: FileInputFormat's, at most {@code maxSplit} bytes. */
  static List<InputSplit> inputFormatSplits(Configuration conf, Path file, long maxSplit)
      throws Exception {
    Job job = Job.getInstance(new Configuration(conf));
    FileInputFormat.setInputPaths(job, new org.apache.hadoop.fs.Path(file.toUri()));
    FileInputFormat.setMaxInputSplitSize(job, maxSplit);
    FileInputFormat.setMinInputSplitSize(job, 1);
    return new BoundedLineInputFormat().getSplits(job);
  }

  /** The lines of a whole file by the reader's rule (LF, CRLF, CR; no empty last line), cut. */
  static List<byte[]> expected(byte[] data, int keep) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n' || data[i] == '\r') {
        out.add(withLength(Arrays.copyOfRange(data, start, Math.min(i, start + keep))));
        if (data[i] == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < data.length) {
      out.add(withLength(Arrays.copyOfRange(data, start, Math.min(data.length, start + keep))));
    }
    return out;
  }

  static void assertLines(List<byte[]> expected, List<byte[]> got, String what) {
    assertEquals(expected.size(), got.size(), what + ": line count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), what + ": line " + (i + 1));
    }
  }

  static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void everyLineIsReadOnceWhateverTheSplitsBuffersAndLineEnds(@TempDir Path dir) throws Exception {
    Random r = new Random(18);
    byte[] alphabet = {'a', 'b', '\n', '\r', '\r', '\n', 'x', 0, (byte) 0xC3};
    for (int round = 0; round < 400; round++) {
      byte[] data = new byte[r.nextInt(120)];
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[r.nextInt(alphabet.length)];
      }
      int max = 1 + r.nextInt(12);
      int buffer = 1 + r.nextInt(9);
      Configuration conf = conf(max, buffer);
      Path file = dir.resolve("f" + round + ".txt");
      Files.write(file, data);
      long[] cuts = r.ints(r.nextInt(6), 0, Math.max(1, data.length)).sorted().distinct()
          .filter(c -> c > 0).asLongStream().toArray();
      String what = "round " + round + " max " + max + " buffer " + buffer + " cuts "
          + Arrays.toString(cuts) + " data " + Arrays.toString(data);
      assertLines(expected(data, max + 1), read(conf, splits(file, data.length, cuts)).lines(),
          what);
      Path gz = dir.resolve("f" + round + ".txt.gz");
      Files.write(gz, gzip(data));
      assertLines(expected(data, max + 1),
          read(conf, inputFormatSplits(conf, gz, Math.max(1, data.length / 3))).lines(),
          "gzip " + what);
    }
  }

  @Test
  void overLongLineHoldsTheLimitNotTheLineAndTheNextLinesAreRead(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("first\n".getBytes(StandardCharsets.US_ASCII));
    byte[] longLine = new byte[6 * MB];
    Arrays.fill(longLine, (byte) 'x');
    out.writeBytes(longLine);
    out.writeBytes("\r\nafter\rlast".getBytes(StandardCharsets.US_ASCII));
    byte[] data = out.toByteArray();
    Configuration conf = conf(MB, 0);
    List<byte[]> want = expected(data, MB + 1);
    assertEquals(4, want.size());

    Path plain = dir.resolve("long.txt");
    Files.write(plain, data);
    Read p = read(conf, splits(plain, data.length));
    assertLines(want, p.lines(), "plain");
    assertTrue(p.maxCapacity() < 2 * (MB + 1), "plain: held " + p.maxCapacity() + " bytes");

    Path gz = dir.resolve("long.txt.gz");
    Files.write(gz, gzip(data));
    Read g = read(conf, inputFormatSplits(conf, gz, 1024));
    assertLines(want, g.lines(), "gzip");
    assertTrue(g.maxCapacity() < 2 * (MB + 1), "gzip: held " + g.maxCapacity() + " bytes");
  }

  @Test
  void gzipStreamWithNoNewlineAtAllIsOneCutLine(@TempDir Path dir) throws Exception {
    Path gz = dir.resolve("no-newline.log.gz");
    byte[] chunk = new byte[MB];
    Arrays.fill(chunk, (byte) 'z');
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
      for (int i = 0; i < 96; i++) {
        o.write(chunk);
      }
    }
    Configuration conf = conf(MB, 0);
    Read g = read(conf, inputFormatSplits(conf, gz, 1024));
    assertEquals(1, g.lines().size());
    assertEquals((MB + 1) + ":" + "z".repeat(16),
        new String(g.lines().get(0), StandardCharsets.ISO_8859_1));
    assertTrue(g.maxCapacity() < 2 * (MB + 1), "held " + g.maxCapacity() + " bytes");
  }

  @Test
  void multiMegabyteLinesInsideASplitAndAcrossSplitBoundaries(@TempDir Path dir)
      throws Exception {
    Random r = new Random(1800);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 2_000; j++) {
        out.writeBytes(("line " + i + "." + j + (j % 3 == 0 ? "\r\n" : "\n"))
            .getBytes(StandardCharsets.US_ASCII));
      }
      byte[] longLine = new byte[MB + r.nextInt(4 * MB)];
      Arrays.fill(longLine, (byte) ('a' + i % 26));
      out.writeBytes(longLine);
      out.writeBytes(i % 2 == 0 ? new byte[] {'\r'} : new byte[] {'\n'});
    }
    byte[] data = out.toByteArray();
    Path file = dir.resolve("mixed.log");
    Files.write(file, data);
    Configuration conf = conf(MB, 0);
    List<byte[]> want = expected(data, MB + 1);
    // 1 MB splits start and end inside most long lines; 16 MB splits hold several whole.
    for (long split : new long[] {MB, 16L * MB, 3L * MB + 7}) {
      List<InputSplit> splits = inputFormatSplits(conf, file, split);
      assertTrue(splits.size() > 1);
      Read got = read(conf, splits);
      assertLines(want, got.lines(), split + "-byte splits");
      assertTrue(got.maxCapacity() < 2 * (MB + 1), "held " + got.maxCapacity() + " bytes");
    }
  }

  /**
   * A line past 2 GiB (sparse, so no disk is written): Hadoop's line reader counts a line's
   * bytes in an int and failed the task on it ("Too many bytes before newline"), in the split
   * that starts it and in the one that skips its tail.
   */
  @Test
  void lineLongerThanTwoGigabytesIsOneRejectableLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.log");
    long hole = (1L << 31) + 5 * MB;
    byte[] tail = "\nafter\n".getBytes(StandardCharsets.US_ASCII);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write("head\n".getBytes(StandardCharsets.US_ASCII));
      f.setLength(5 + hole);
      f.seek(5 + hole);
      f.write(tail);
    }
    long length = 5 + hole + tail.length;
    Configuration conf = conf(MB, 0);
    Read got = read(conf, splits(file, length, 100));
    assertEquals(3, got.lines().size());
    assertEquals("head", new String(got.lines().get(0), StandardCharsets.US_ASCII));
    assertEquals(MB + 1 + ":", new String(got.lines().get(1), StandardCharsets.ISO_8859_1)
        .substring(0, Integer.toString(MB + 1).length() + 1));
    assertEquals("after", new String(got.lines().get(2), StandardCharsets.US_ASCII));
  }

  @Test
  void aTruncatedGzipEndsWithOneBrokenStreamRecordInsteadOfFailing(@TempDir Path dir)
      throws Exception {
    // A log copied mid-rotation: EOFException "Unexpected end of input stream" failed the task
    // on every retry, and the run with it.
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("line ").append(i).append('\n');
    }
    byte[] whole = gzip(text.toString().getBytes(StandardCharsets.US_ASCII));
    Path gz = dir.resolve("cut.log.gz");
    Files.write(gz, Arrays.copyOf(whole, whole.length / 2));
    Configuration conf = conf(MB, 0);
    List<Long> keys = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (InputSplit split : inputFormatSplits(conf, gz, 1024)) {
      try (RecordReader<LongWritable, Text> r = new BoundedLineInputFormat().createRecordReader(
          split, new TaskAttemptContextImpl(conf, new TaskAttemptID()))) {
        r.initialize(split, new TaskAttemptContextImpl(conf, new TaskAttemptID()));
        while (r.nextKeyValue()) {
          keys.add(r.getCurrentKey().get());
          lines.add(r.getCurrentValue().toString());
        }
      }
    }
    assertTrue(lines.size() > 1000 && lines.size() < 20_000, lines.size() + " lines");
    assertEquals(BoundedLineInputFormat.BROKEN_STREAM, keys.get(keys.size() - 1));
    assertEquals("", lines.get(lines.size() - 1));
    assertEquals(1, keys.stream().filter(k -> k == BoundedLineInputFormat.BROKEN_STREAM).count());
    for (int i = 0; i < lines.size() - 1; i++) {
      assertEquals("line " + i, lines.get(i), "only whole lines before the break");
    }
  }

  /** The keys and lines a reader gives for every split of {@code file}. */
  private static List<String> readKeyed(Configuration conf, Path file, List<Long> keys)
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (InputSplit split : inputFormatSplits(conf, file, 1024)) {
      try (RecordReader<LongWritable, Text> r = new BoundedLineInputFormat().createRecordReader(
          split, new TaskAttemptContextImpl(conf, new TaskAttemptID()))) {
        r.initialize(split, new TaskAttemptContextImpl(conf, new TaskAttemptID()));
        while (r.nextKeyValue()) {
          keys.add(r.getCurrentKey().get());
          lines.add(r.getCurrentValue().toString());
        }
      }
    }
    return lines;
  }

  private static byte[] numberedLines(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append("line ").append(i).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void everyKindOfBrokenCompressedFileEndsWithOneBrokenStreamRecord(@TempDir Path dir)
      throws Exception {
    // Hadoop's gzip and bzip2 readers throw plain IOExceptions ("gzip stream CRC failure",
    // "not a gzip file", bzip2's "unexpected end of stream") that failed the task on every
    // retry, and the night with it.
    byte[] data = numberedLines(20_000);
    byte[] gz = gzip(data);
    byte[] flipped = gz.clone();
    for (int i = gz.length / 2; i < gz.length / 2 + 64; i++) {
      flipped[i] ^= 0x5a;
    }
    byte[] badCrc = gz.clone();
    badCrc[gz.length - 6] ^= 0x01; // the trailer's CRC-32 of a whole, readable stream
    org.apache.hadoop.io.compress.BZip2Codec bzip2 = new org.apache.hadoop.io.compress.BZip2Codec();
    bzip2.setConf(new Configuration(false));
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (OutputStream out = bzip2.createOutputStream(bz)) {
      out.write(data);
    }
    byte[] bz2 = bz.toByteArray();
    java.util.Map<String, byte[]> broken = new java.util.LinkedHashMap<>();
    broken.put("corrupt.log.gz", flipped);
    broken.put("crc.log.gz", badCrc);
    broken.put("plain.log.gz", data);
    broken.put("cut.log.bz2", Arrays.copyOf(bz2, bz2.length / 2));
    Configuration conf = conf(MB, 0);
    for (var e : broken.entrySet()) {
      Path file = dir.resolve(e.getKey());
      Files.write(file, e.getValue());
      List<Long> keys = new ArrayList<>();
      List<String> lines = readKeyed(conf, file, keys);
      assertEquals(BoundedLineInputFormat.BROKEN_STREAM, keys.get(keys.size() - 1), e.getKey());
      assertEquals(1, keys.stream().filter(k -> k == BoundedLineInputFormat.BROKEN_STREAM).count(),
          e.getKey());
    }
  }

  @Test
  void aSourceThatStopsEarlyFailsTheTaskForARetryInsteadOfARejectForever(@TempDir Path dir)
      throws Exception {
    // Object storage can end a read early; the codec saw an EOF and the file became a
    // permanent TRUNCATED_INPUT though a retry would have read it whole.
    Path gz = dir.resolve("whole.log.gz");
    Files.write(gz, gzip(numberedLines(20_000)));
    Configuration conf = conf(MB, 0);
    conf.setClass("fs.file.impl", StopsEarlyFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    java.io.IOException failed = org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> readKeyed(conf, gz, new ArrayList<>()));
    assertTrue(String.valueOf(failed.getMessage()).contains("ended at byte"), failed.toString());
  }

  /**
   * A local file system whose every file's stream reads well up to its middle, then does what
   * {@link #atMiddle} says: the faults of object storage, on local files.
   */
  public abstract static class FaultAtMiddle extends org.apache.hadoop.fs.RawLocalFileSystem {
    /** What a read at or past the middle gets instead of bytes. */
    abstract int atMiddle() throws java.io.IOException;

    @Override
    public org.apache.hadoop.fs.FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize)
        throws java.io.IOException {
      org.apache.hadoop.fs.FSDataInputStream whole = super.open(f, bufferSize);
      long middle = getFileStatus(f).getLen() / 2;
      return new org.apache.hadoop.fs.FSDataInputStream(new org.apache.hadoop.fs.FSInputStream() {
        @Override
        public int read() throws java.io.IOException {
          return whole.getPos() >= middle ? atMiddle() : whole.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
          long left = middle - whole.getPos();
          return left <= 0 ? atMiddle() : whole.read(b, off, (int) Math.min(len, left));
        }

        @Override
        public void seek(long pos) throws java.io.IOException {
          whole.seek(pos);
        }

        @Override
        public long getPos() throws java.io.IOException {
          return whole.getPos();
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
          return false;
        }

        @Override
        public void close() throws java.io.IOException {
          whole.close();
        }
      });
    }
  }

  /** Reads end (return -1) halfway through every file. */
  public static final class StopsEarlyFileSystem extends FaultAtMiddle {
    @Override
    int atMiddle() {
      return -1;
    }
  }

  @Test
  void aCompressedFileBrokenAtItsOpenLeavesNoFileOpen(@TempDir Path dir) throws Exception {
    // bzip2 reads its first block when its stream is made; when that failed, only the empty
    // stream put in its place was closed, and the file stayed open: 200 reads, 172 descriptors.
    org.apache.hadoop.io.compress.BZip2Codec bzip2 = new org.apache.hadoop.io.compress.BZip2Codec();
    bzip2.setConf(new Configuration(false));
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (OutputStream out = bzip2.createOutputStream(bz)) {
      out.write(numberedLines(20_000));
    }
    Path cut = dir.resolve("cut.log.bz2");
    Files.write(cut, Arrays.copyOf(bz.toByteArray(), bz.size() / 2));
    Configuration conf = conf(MB, 0);
    readKeyed(conf, cut, new ArrayList<>());
    long before = openFiles();
    for (int i = 0; i < 50; i++) {
      readKeyed(conf, cut, new ArrayList<>());
    }
    assertTrue(openFiles() - before < 10, (openFiles() - before) + " more files open");
  }

  private static long openFiles() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void anUncheckedFailureOfTheFileStreamFailsTheTask(@TempDir Path dir) throws Exception {
    // Only IOExceptions were the stream's own: an unchecked one from a file system client was
    // taken for broken data, a reject for ever and the file's other lines lost.
    Path gz = dir.resolve("whole.log.gz");
    Files.write(gz, gzip(numberedLines(20_000)));
    Configuration conf = conf(MB, 0);
    conf.setClass("fs.file.impl", FailsUncheckedFileSystem.class,
        org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    java.io.IOException failed = org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> readKeyed(conf, gz, new ArrayList<>()));
    assertTrue(String.valueOf(failed.getMessage()).contains("connection pool shut down"),
        failed.toString());
  }

  /** Reads fail unchecked halfway through every file. */
  public static final class FailsUncheckedFileSystem extends FaultAtMiddle {
    @Override
    int atMiddle() {
      throw new IllegalStateException("connection pool shut down");
    }
  }
}
