package dev.diffusionlab.cli;

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
    return root().resolve("content");
  }

  Path templatesDir() {
    return root().resolve("templates");
  }

  Path resultsDir() {
    return root().resolve("results");
  }
}
