package dev.diffusionlab.build;

import java.nio.file.Path;

/**
 * The folders of a project: {@code content/} (pages and, by default, the manifest), {@code
 * templates/} and the {@code results/} cache, under one root.
 */
public record Project(Path root, Path manifest) {
  public Project {
    root = root.toAbsolutePath().normalize();
    manifest = manifest != null ? manifest : root.resolve("content").resolve("manifest.yaml");
  }

  /** The project at {@code root} with its default manifest. */
  public static Project at(Path root) {
    return new Project(root, null);
  }

  public Path contentDir() {
    return root.resolve("content");
  }

  public Path templatesDir() {
    return root.resolve("templates");
  }

  public Path resultsDir() {
    return root.resolve("results");
  }

  /** Where the site goes without {@code --out}. */
  public Path defaultSite() {
    return root.resolve("site");
  }
}
