package dev.diffusionlab.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tensor file (safetensors, npz, PyTorch checkpoint) that cannot be read: truncated, malformed,
 * of an unsupported kind, or asking for something unsafe. The message names the file and what in it
 * is wrong.
 */
public class TensorFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An error in {@code file}; the message says what was expected. */
  public TensorFileException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /** An error in {@code file} caused by a lower-level failure. */
  public TensorFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
