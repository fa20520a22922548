package dev.diffusionlab.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared reference fixtures, which live beside the repository ({@code
 * <repo>/../shared/fixtures}) and are not part of it. Tests fail, not skip, when they are absent: a
 * missing fixture must never look like a passing build.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The folder {@code shared/fixtures/<name>}, searched from the working directory upwards. */
  public static Path dir(String name) {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "fixture folder shared/fixtures/"
            + name
            + " not found in "
            + start
            + " or any parent; clone the shared fixtures beside the repository"
            + " (<repo>/../shared/fixtures)");
  }
}
