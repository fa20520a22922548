package dev.diffusionlab.build;

import dev.diffusionlab.util.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
    return folder("content");
  }

  public Path templatesDir() {
    return folder("templates");
  }

  public Path resultsDir() {
    return folder("results");
  }

  // A committed symbolic link must not turn a project folder into one elsewhere on the machine.
  private Path folder(String name) {
    Path folder = root.resolve(name);
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      ProjectPaths.confined(root, folder);
    }
    return folder;
  }

  /** Where the site goes without {@code --out}. */
  public Path defaultSite() {
    return root.resolve("site");
  }
}
