package dev.diffusionlab.io;

import java.nio.file.Path;

/**
 * A pickle that asks for something a tensor checkpoint never needs (a callable outside the
 * allowlist, an object constructor, a build step). Such files may run arbitrary code when loaded by
 * Python's pickle, so they are refused, never executed.
 */
public class UnsafePickleException extends TensorFileException {
  private static final long serialVersionUID = 1L;

  /** A refusal for {@code file}, naming what was asked for. */
  public UnsafePickleException(Path file, String problem) {
    super(file, problem);
  }
}
