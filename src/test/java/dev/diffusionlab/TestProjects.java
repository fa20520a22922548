package dev.diffusionlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Helpers that lay out small projects in temporary folders for tests. */
public final class TestProjects {
  private TestProjects() {}

  /** Writes a file, creating folders; returns it. */
  public static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the repository's templates/ folder into a project. */
  public static void copyTemplates(Path project) {
    Path source = Path.of("templates").toAbsolutePath();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = project.resolve("templates").resolve(source.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies one of the repository's content images into a project's content/images/. */
  public static void copyImage(Path project, String name) {
    try {
      Path target = project.resolve("content/images").resolve(name);
      Files.createDirectories(target.getParent());
      Files.copy(
          Path.of("content/images").resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
