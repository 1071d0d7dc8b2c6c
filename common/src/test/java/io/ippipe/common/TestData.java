package io.ippipe.common;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data (real public inputs that tests read but the repo never copies). */
public final class TestData {
  private TestData() {}

  public static Path shared() {
    String configured = System.getProperty("ippipe.shared.data");
    Path p = configured != null ? Path.of(configured) : Path.of("../../shared/data");
    if (!Files.isDirectory(p)) {
      p = Path.of("../shared/data");
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Cannot find shared/data beside the repository (" + p.toAbsolutePath() + ")");
    }
    return p.toAbsolutePath().normalize();
  }

  public static Path real(String relative) {
    return shared().resolve("real").resolve(relative);
  }
}
