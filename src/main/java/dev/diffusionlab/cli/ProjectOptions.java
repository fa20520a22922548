package dev.diffusionlab.cli;

import dev.diffusionlab.build.Project;
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

  Project project() {
    return new Project(project, manifest);
  }
}
