package io.ippipe.jobs.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}, with its checksum files) that sets permissions
 * through java.nio. Without Hadoop's native library, which Maven's Hadoop jars do not carry,
 * {@link RawLocalFileSystem} starts a {@code chmod} process for every file and directory it
 * creates: 7 ms each from a JVM of a run's size against 0.03 ms through java.nio (measured), and
 * a local run creates about 200 (each output file, its checksum file, each directory), many on
 * the driver between jobs. Used for local masters only (Sessions): on a cluster the lake is on
 * a distributed store.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }

  static final class NioRawLocalFileSystem extends RawLocalFileSystem {
    /**
     * The mode Hadoop's {@code chmod} with four octal digits leaves (Hadoop's way without its
     * native library): the permission bits and the sticky bit as asked, and, as GNU chmod does,
     * a directory's set-user-ID and set-group-ID bits kept (a lake under a setgid directory keeps
     * its group). One stat and one chmod(2) through the {@code unix} view, where
     * PosixFilePermissions could neither set the sticky bit nor keep the setgid one.
     */
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      java.nio.file.Path path = pathToFile(p).toPath();
      try {
        int now = (Integer) Files.getAttribute(path, "unix:mode");
        int keep = (now & S_IFMT) == S_IFDIR ? now & 06000 : 0;
        Files.setAttribute(path, "unix:mode", (permission.toShort() & 01777) | keep);
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + p + " does not exist");
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        super.setPermission(p, permission);  // no unix view (not a POSIX file system): Hadoop's way
      }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
  }
}
