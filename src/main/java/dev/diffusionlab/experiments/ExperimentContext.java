package dev.diffusionlab.experiments;

import dev.diffusionlab.util.Progress;
import java.nio.file.Path;

/** What a running experiment may use: its seed, its work folder, its inputs and dependencies. */
public interface ExperimentContext {

  /** The experiment's id in the manifest. */
  String id();

  /** The manifest's seed for this experiment. */
  long seed();

  /** The profile the build runs under ({@code quick} or {@code course}). */
  String profile();

  /**
   * Registers an output and returns the path to write it to, inside the work folder. The name is a
   * plain file name such as {@code grid.png}; only registered files become part of the entry.
   */
  Path output(String fileName, OutputKind kind, String description);

  /** The work folder; for resumable types it keeps what an interrupted run left there. */
  Path workDir();

  /**
   * A file under the project's {@code content/} folder, e.g. {@code images/campanile.png}.
   *
   * @throws InvalidParamsException if the path leaves {@code content/} or does not exist
   */
  Path input(String field, String contentRelativePath);

  /** The finished entry of a dependency declared in {@code depends_on}. */
  DependencyOutputs dependency(String id);

  /** Progress reporting for long work. */
  Progress progress();
}
