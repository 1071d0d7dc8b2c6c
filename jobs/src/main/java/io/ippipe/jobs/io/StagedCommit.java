package io.ippipe.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves one stage's outputs from its staging directory into the lake with the Hadoop FileSystem
 * API, so that it behaves the same on local disk and HDFS. A Spark output directory (one holding
 * {@code _SUCCESS}) replaces its counterpart whole; loose files (metrics) replace theirs one by
 * one. Each replacement is: old to a trash name, new into place by rename, trash deleted.
 *
 * <p>What is atomic: each rename, on local disk and HDFS. What is not: the stage as a whole (a
 * crash between two partitions leaves some replaced), which is why the stage's done marker is
 * written only after the last one, and a rerun redoes the stage. On S3 a rename is a copy and a
 * delete: there a reader can see a partially copied partition; use a table format with atomic
 * commits (Iceberg) or the S3A committers for object stores.
 */
public final class StagedCommit {
  private StagedCommit() {}

  /** Commits everything under {@code staging} into {@code lake}; returns the paths replaced. */
  public static int commit(Configuration conf, String staging, String lake) throws IOException {
    Path from = new Path(staging);
    FileSystem fs = from.getFileSystem(conf);
    if (!fs.exists(from)) {
      return 0;
    }
    String stagingUri = fs.makeQualified(from).toString();
    String lakeUri = fs.makeQualified(new Path(lake)).toString();
    int moved = commitTree(fs, fs.makeQualified(from), stagingUri, lakeUri, from.toString(), lake);
    fs.delete(from, true);
    return moved;
  }

  private static int commitTree(FileSystem fs, Path dir, String stagingUri, String lakeUri,
      String stagingText, String lakeText) throws IOException {
    int moved = 0;
    for (FileStatus s : fs.listStatus(dir)) {
      Path p = s.getPath();
      Path target = new Path(lakeUri + p.toString().substring(stagingUri.length()));
      if (s.isDirectory() && !fs.exists(new Path(p, "_SUCCESS"))) {
        moved += commitTree(fs, p, stagingUri, lakeUri, stagingText, lakeText);
        continue;
      }
      if (s.isFile() && p.getName().endsWith(".json")) {
        rewritePaths(fs, p, stagingText, lakeText, stagingUri, lakeUri);
      }
      if (s.isDirectory()) {
        for (FileStatus inner : fs.listStatus(p)) {
          if (inner.isFile() && inner.getPath().getName().endsWith(".json")) {
            rewritePaths(fs, inner.getPath(), stagingText, lakeText, stagingUri, lakeUri);
          }
        }
      }
      replace(fs, p, target);
      moved++;
    }
    return moved;
  }

  /** Metrics name their outputs: they must name where the outputs end up, not the staging. */
  private static void rewritePaths(FileSystem fs, Path file, String stagingText, String lakeText,
      String stagingUri, String lakeUri) throws IOException {
    String text;
    try (InputStream in = fs.open(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String fixed = text.replace(stagingUri, lakeUri).replace(stagingText, lakeText);
    if (!fixed.equals(text)) {
      try (OutputStream out = fs.create(file, true)) {
        out.write(fixed.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void replace(FileSystem fs, Path source, Path target) throws IOException {
    fs.mkdirs(target.getParent());
    Path trash = new Path(target.getParent(), "._replaced_" + target.getName() + "_" + System.nanoTime());
    boolean hadOld = fs.exists(target);
    if (hadOld && !fs.rename(target, trash)) {
      throw new IOException("Cannot move " + target + " aside to " + trash);
    }
    if (!fs.rename(source, target)) {
      if (hadOld) {
        fs.rename(trash, target);
      }
      throw new IOException("Cannot rename " + source + " to " + target);
    }
    if (hadOld) {
      fs.delete(trash, true);
    }
  }
}
