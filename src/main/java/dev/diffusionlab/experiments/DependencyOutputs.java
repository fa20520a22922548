package dev.diffusionlab.experiments;

import java.nio.file.Path;
import java.util.Set;

/** The outputs of a finished dependency, looked up by file name. */
public interface DependencyOutputs {

  /** The dependency's experiment type. */
  String type();

  /** Names of its registered outputs. */
  Set<String> names();

  /**
   * The file of one output.
   *
   * @throws IllegalArgumentException if the dependency has no such output
   */
  Path file(String name);
}
