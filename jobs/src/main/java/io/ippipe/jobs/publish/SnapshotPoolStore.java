package io.ippipe.jobs.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.publish.PoolEntry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The live pool without Redis (the embedded default): {@code pool-<version>.jsonl}, one proxy per
 * line, and a {@code CURRENT} file naming the live version. A version file is written under a
 * temporary name and renamed into place; {@code CURRENT} is then replaced by an atomic rename,
 * so a reader of {@code CURRENT} and the file it names sees one complete version.
 */
public final class SnapshotPoolStore implements PoolStore {
  public static final String CURRENT = "CURRENT";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final FileSystem fs;
  private final Configuration conf;
  private final int keepVersions;

  public SnapshotPoolStore(String dir, Configuration conf, int keepVersions) throws IOException {
    this.dir = new Path(dir);
    this.fs = this.dir.getFileSystem(conf);
    this.conf = conf;
    this.keepVersions = keepVersions;
  }

  /** The snapshot store of publish.snapshot_dir, by default {@code <lake>/live}. */
  public static SnapshotPoolStore fromConfig(PipelineConfig config, String lake, Configuration conf)
      throws IOException {
    String dir = config.get(Keys.PUBLISH_SNAPSHOT_DIR);
    return new SnapshotPoolStore(dir.isEmpty() ? lake + "/live" : dir, conf,
        config.get(Keys.PUBLISH_KEEP_VERSIONS));
  }

  public static String fileName(String version) {
    return "pool-" + version + ".jsonl";
  }

  @Override
  public String currentVersion() throws IOException {
    Path current = new Path(dir, CURRENT);
    if (!fs.exists(current)) {
      return null;
    }
    try (var in = fs.open(current)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Override
  public boolean publish(String version, String date, Iterator<PoolEntry> entries) throws IOException {
    if (version.equals(currentVersion())) {
      return false;
    }
    fs.mkdirs(dir);
    Path file = new Path(dir, fileName(version));
    Path tmp = new Path(dir, "." + fileName(version) + ".tmp");
    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(fs.create(tmp, true),
        StandardCharsets.UTF_8))) {
      while (entries.hasNext()) {
        PoolEntry e = entries.next();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("member", e.member());
        line.put("group", e.group());
        line.put("score", e.score());
        line.putAll(e.attributes());
        w.write(JSON.writeValueAsString(line));
        w.write('\n');
      }
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("Cannot rename " + tmp + " to " + file);
    }
    Path currentTmp = new Path(dir, "." + CURRENT + ".tmp");
    try (var out = fs.create(currentTmp, true)) {
      out.write((version + "\n").getBytes(StandardCharsets.UTF_8));
    }
    replace(currentTmp, new Path(dir, CURRENT));
    retireOldVersions(version);
    return true;
  }

  /**
   * Replaces {@code target} atomically. Hadoop's local file system emulates rename-with-overwrite
   * as delete then rename, so local paths use the POSIX rename(2) that NIO's ATOMIC_MOVE gives;
   * HDFS renames with OVERWRITE atomically. Object stores (S3) have no atomic rename: there the
   * pointer file is only as atomic as a single PUT (docs/publish.md).
   */
  private void replace(Path source, Path target) throws IOException {
    if (fs instanceof LocalFileSystem || "file".equals(fs.getUri().getScheme())) {
      Files.move(Paths.get(fs.makeQualified(source).toUri()), Paths.get(fs.makeQualified(target).toUri()),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    FileContext.getFileContext(fs.getUri(), conf).rename(source, target, Options.Rename.OVERWRITE);
  }

  private void retireOldVersions(String live) throws IOException {
    FileStatus[] files = fs.globStatus(new Path(dir, "pool-*.jsonl"));
    if (files == null || files.length <= keepVersions) {
      return;
    }
    List<FileStatus> byAge = Arrays.stream(files)
        .sorted(Comparator.comparingLong(FileStatus::getModificationTime)).toList();
    int excess = byAge.size() - keepVersions;
    for (FileStatus f : byAge) {
      if (excess <= 0) {
        break;
      }
      if (!f.getPath().getName().equals(fileName(live))) {
        fs.delete(f.getPath(), false);
        excess--;
      }
    }
  }

  @Override
  public String describe() {
    return fs.makeQualified(dir).toString();
  }

  @Override
  public void close() {}
}
