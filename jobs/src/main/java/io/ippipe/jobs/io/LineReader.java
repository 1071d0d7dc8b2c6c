package io.ippipe.jobs.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * Reads text files as raw byte lines with their position, through Hadoop's TextInputFormat:
 * splittable plain files, compressed ones by codec, LF, CRLF and CR line ends. Bytes are kept
 * undecoded so that invalid UTF-8 becomes a reject instead of replacement characters.
 */
public final class LineReader {
  private LineReader() {}

  public static JavaRDD<SourceLine> read(JavaSparkContext jsc, List<String> files) throws Exception {
    Job job = Job.getInstance(new Configuration(jsc.hadoopConfiguration()));
    Path[] paths = files.stream().map(Path::new).toArray(Path[]::new);
    FileInputFormat.setInputPaths(job, paths);
    // Never let Hadoop drop long lines silently: length limits are a reject reason of ours.
    job.getConfiguration().unset("mapreduce.input.linerecordreader.line.maxlength");
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> rdd = (JavaNewHadoopRDD<LongWritable, Text>)
        jsc.newAPIHadoopRDD(job.getConfiguration(), TextInputFormat.class, LongWritable.class, Text.class);
    return rdd.mapPartitionsWithInputSplit(new WithPosition(), true);
  }

  static final class WithPosition
      implements Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<SourceLine>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<SourceLine> call(InputSplit split, Iterator<Tuple2<LongWritable, Text>> lines) {
      FileSplit fileSplit = (FileSplit) split;
      String file = fileSplit.getPath().toString();
      long start = fileSplit.getStart();
      return new Iterator<>() {
        long index = 0;

        @Override
        public boolean hasNext() {
          return lines.hasNext();
        }

        @Override
        public SourceLine next() {
          Text text = lines.next()._2();
          // The reader reuses its Text buffer: copy before the next line overwrites it.
          byte[] bytes = Arrays.copyOf(text.getBytes(), text.getLength());
          return new SourceLine(file, start, index++, bytes);
        }
      };
    }
  }

  /** Returns a list of a file's first lines, for format detection and CSV headers. */
  public static List<String> head(Configuration conf, String file, int maxLines) throws Exception {
    Path path = new Path(file);
    org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
    org.apache.hadoop.io.compress.CompressionCodec codec =
        new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path);
    List<String> out = new ArrayList<>();
    try (java.io.InputStream raw = fs.open(path);
         java.io.InputStream in = codec == null ? raw : codec.createInputStream(raw);
         java.io.BufferedReader reader = new java.io.BufferedReader(
             new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
      // Cap the bytes read too: a first "line" of gigabytes must not fill the driver.
      char[] buf = new char[256 * 1024];
      int n = reader.read(buf);
      if (n <= 0) {
        return out;
      }
      String chunk = new String(buf, 0, n);
      if (chunk.startsWith("\ufeff")) {
        chunk = chunk.substring(1);
      }
      for (String line : chunk.split("\r\n|\n|\r", -1)) {
        if (out.size() >= maxLines) {
          break;
        }
        out.add(line);
      }
    }
    return out;
  }
}
