package io.ippipe.jobs.ingest;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** Text input files as lines ({@link BoundedLineInputFormat}), cut into splits for every core. */
final class TextInput {
  private TextInput() {}

  /**
   * Splits of at most {@code maxSplitBytes}, and small enough that every core gets at least four
   * (files of different sizes leave a short last split each: with several splits a core, a core
   * that finishes early takes another instead of idling at the end), but at least
   * 1 MB unless ingest.max_split_bytes is smaller: below that a task costs more to schedule
   * than to run.
   */
  static JavaNewHadoopRDD<LongWritable, Text> read(JavaSparkContext jsc, List<String> files,
      int maxLineBytes, long maxSplitBytes) throws IOException {
    Job job = Job.getInstance(new Configuration(jsc.hadoopConfiguration()));
    Path[] paths = files.stream().map(Path::new).toArray(Path[]::new);
    FileInputFormat.setInputPaths(job, paths);
    long total = 0;
    for (Path p : paths) {
      total += p.getFileSystem(job.getConfiguration()).getFileStatus(p).getLen();
    }
    long perCore = total / Math.max(1, 4L * jsc.defaultParallelism()) + 1;
    long split = Math.min(maxSplitBytes, Math.max(1L << 20, perCore));
    FileInputFormat.setMaxInputSplitSize(job, split);
    job.getConfiguration().setInt(BoundedLineInputFormat.MAX_LINE_BYTES, maxLineBytes);
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> rdd = (JavaNewHadoopRDD<LongWritable, Text>)
        jsc.newAPIHadoopRDD(job.getConfiguration(), BoundedLineInputFormat.class,
            LongWritable.class, Text.class);
    return rdd;
  }
}
