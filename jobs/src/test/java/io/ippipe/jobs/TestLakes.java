package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ippipe.jobs.lake.Lake;
import io.ippipe.jobs.lake.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the job tests share: a key, ingest through the CLI, the lake's tables. */
final class TestLakes {
  static final String DATE = "2026-11-25";
  static final LocalDate DAY = LocalDate.parse(DATE);

  private TestLakes() {}

  /** ../shared/data beside the repository: real public inputs and spec vectors. */
  static Path shared() {
    return Path.of(System.getProperty("ippipe.shared.data", "../../shared/data"));
  }

  /** A master key file (mode 0600) in {@code dir}, made by {@code ippipe keygen} once. */
  static Path key(Path dir) {
    Path key = dir.resolve("test.key");
    if (!Files.exists(key)) {
      CliTest.Run k = CliTest.run("keygen", "--scheme", "master", "--out", key.toString());
      assertEquals(0, k.code(), k.err());
    }
    return key;
  }

  /** The options every ingest of the tests takes: the key, and geo off unless given. */
  static List<String> conf(Path dir, String... extra) {
    List<String> a = new ArrayList<>(List.of("--conf", "crypto.keys=t=file:" + key(dir),
        "--key-id", "t"));
    boolean geo = false;
    for (String e : extra) {
      geo |= e.startsWith("geo.sources=") || e.startsWith("geo.index=");
    }
    if (!geo) {
      a.addAll(List.of("--conf", "geo.sources="));
    }
    for (String e : extra) {
      a.addAll(List.of("--conf", e));
    }
    return a;
  }

  static CliTest.Run ingest(Path dir, Path lake, List<Path> inventory, List<Path> requests,
      String... conf) {
    List<String> a = new ArrayList<>(List.of("ingest", "--date", DATE, "--out", lake.toString()));
    inventory.forEach(p -> a.addAll(List.of("--inventory", p.toString())));
    requests.forEach(p -> a.addAll(List.of("--requests", p.toString())));
    a.addAll(conf(dir, conf));
    return CliTest.run(a.toArray(new String[0]));
  }

  static Dataset<Row> table(Path lake, Table table, String... sub) {
    return new Lake(lake.toString(), SharedSpark.get().sparkContext().hadoopConfiguration())
        .read(SharedSpark.get(), table, DAY, sub);
  }

  static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** Scans every byte of every file under {@code root} for each string. */
  static void assertNowhere(Path root, String... secrets) throws Exception {
    try (var files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String s : secrets) {
          assertFalse(content.contains(s), s + " found in " + f);
        }
      }
    }
  }

  /** A fault for {@code Faults.at}: one committed Parquet file of the partition is gone. */
  static void deleteOneDataFile(String partition) {
    try (var files = java.nio.file.Files.list(Path.of(partition.replaceFirst("^file:", "")))) {
      Path victim = files.filter(p -> p.getFileName().toString().startsWith("part-")
          && p.toString().endsWith(".parquet")).findFirst().orElseThrow();
      java.nio.file.Files.delete(victim);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
