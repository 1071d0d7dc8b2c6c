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

  /** Splits of {@link InputPlan#splitBytes}. */
  static JavaNewHadoopRDD<LongWritable, Text> read(JavaSparkContext jsc, List<String> files,
      int maxLineBytes, long maxSplitBytes) throws IOException {
    Job job = Job.getInstance(new Configuration(jsc.hadoopConfiguration()));
    Path[] paths = files.stream().map(Path::new).toArray(Path[]::new);
    FileInputFormat.setInputPaths(job, paths);
    long total = 0;
    for (Path p : paths) {
      total += p.getFileSystem(job.getConfiguration()).getFileStatus(p).getLen();
    }
    FileInputFormat.setMaxInputSplitSize(job,
        InputPlan.splitBytes(total, jsc.defaultParallelism(), maxSplitBytes));
    job.getConfiguration().setInt(BoundedLineInputFormat.MAX_LINE_BYTES, maxLineBytes);
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> rdd = (JavaNewHadoopRDD<LongWritable, Text>)
        jsc.newAPIHadoopRDD(job.getConfiguration(), BoundedLineInputFormat.class,
            LongWritable.class, Text.class);
    return rdd;
  }
}
