package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ippipe.jobs.io.NioLocalFileSystem;
import io.ippipe.jobs.io.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local session's {@code file:} file system sets permissions through java.nio, not by starting
 * a chmod process per file, and sets the same bits Hadoop's own would; the configuration a run
 * reads its markers and keys with before Spark starts makes the same file system, and carries the
 * submit's {@code spark.hadoop.*} settings.
 */
class NioLocalFileSystemTest {
  @Test
  void localSessionsCreateFilesWithThePermissionsAsked(@TempDir Path dir) throws Exception {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    // A new instance, not the JVM's cached one: an earlier test may have made that one from a
    // configuration of its own; what is checked is what the session's configuration makes.
    FileSystem fs = FileSystem.newInstance(root.toUri(),
        SharedSpark.get().sparkContext().hadoopConfiguration());
    assertEquals(NioLocalFileSystem.class, fs.getClass());

    org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(root, "a/b");
    fs.mkdirs(sub, new FsPermission((short) 0750));
    assertEquals("rwxr-x---", bits(dir.resolve("a/b")));
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(sub, "f.txt");
    try (var out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20,
        null)) {
      out.writeBytes("x");
    }
    assertEquals("rw-r-----", bits(dir.resolve("a/b/f.txt")));
    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", bits(dir.resolve("a/b/f.txt")));
    assertEquals("rw----r--", fs.getFileStatus(file).getPermission().toString());
  }

  /** As Hadoop's {@code chmod 0755}: GNU chmod keeps a directory's setgid bit, sets sticky. */
  @Test
  void aDirectoryKeepsItsSetGroupIdBitAndTakesTheStickyBit(@TempDir Path dir) throws Exception {
    FileSystem fs = FileSystem.newInstance(dir.toUri(),
        SharedSpark.get().sparkContext().hadoopConfiguration());
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setAttribute(shared, "unix:mode", 02770);
    fs.setPermission(new org.apache.hadoop.fs.Path(shared.toUri()), new FsPermission((short) 0750));
    assertEquals(02750, mode(shared));
    Path file = Files.createFile(shared.resolve("f"));
    Files.setAttribute(file, "unix:mode", 02770);
    fs.setPermission(new org.apache.hadoop.fs.Path(file.toUri()), new FsPermission((short) 0640));
    assertEquals(0640, mode(file), "a file's setgid bit goes, as with chmod");
    fs.setPermission(new org.apache.hadoop.fs.Path(shared.toUri()), new FsPermission((short) 01777));
    assertEquals(03777, mode(shared));
    org.junit.jupiter.api.Assertions.assertThrows(java.io.FileNotFoundException.class,
        () -> fs.setPermission(new org.apache.hadoop.fs.Path(dir.resolve("gone").toUri()),
            new FsPermission((short) 0750)));
  }

  @Test
  void thePreSparkConfigurationOfALocalRunMakesTheSameFileSystem() {
    System.setProperty("spark.hadoop.ippipe.test.passed", "yes");
    try {
      Configuration local = Sessions.hadoopConf("local[2]");
      assertEquals(NioLocalFileSystem.class, local.getClass("fs.file.impl", null));
      assertEquals("yes", local.get("ippipe.test.passed"));
      // What Spark derives besides the spark.hadoop.* copies, as the session has it.
      assertEquals(SharedSpark.get().sparkContext().hadoopConfiguration().get("io.file.buffer.size"),
          local.get("io.file.buffer.size"));
      Configuration cluster = Sessions.hadoopConf("spark://127.0.0.1:7077");
      assertNull(cluster.get("fs.file.impl"));
      assertEquals("yes", cluster.get("ippipe.test.passed"));
    } finally {
      System.clearProperty("spark.hadoop.ippipe.test.passed");
    }
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
  }

  private static String bits(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
