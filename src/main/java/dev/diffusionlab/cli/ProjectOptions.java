package dev.diffusionlab.cli;

import dev.diffusionlab.util.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the project's folders are: content, templates, results. */
final class ProjectOptions {
  @Option(
      names = "--project",
      paramLabel = "DIR",
      description =
          "Project folder holding content/, templates/ and results/ (default: ${DEFAULT-VALUE}).",
      defaultValue = ".")
  Path project;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description = "The manifest (default: content/manifest.yaml in the project).")
  Path manifest;

  Path root() {
    return project.toAbsolutePath().normalize();
  }

  Path manifestFile() {
    return manifest != null ? manifest : root().resolve("content").resolve("manifest.yaml");
  }

  Path contentDir() {
    return folder("content");
  }

  Path templatesDir() {
    return folder("templates");
  }

  Path resultsDir() {
    return folder("results");
  }

  // A committed symbolic link must not turn a project folder into one elsewhere on the machine.
  private Path folder(String name) {
    Path folder = root().resolve(name);
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      ProjectPaths.confined(root(), folder);
    }
    return folder;
  }
}
