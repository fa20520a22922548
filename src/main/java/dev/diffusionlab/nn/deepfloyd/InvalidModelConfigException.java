package dev.diffusionlab.nn.deepfloyd;

import java.io.IOException;
import java.nio.file.Path;

/** A UNet config.json that is malformed or asks for an architecture this UNet does not build. */
public class InvalidModelConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code field} of {@code file}. */
  public InvalidModelConfigException(Path file, String field, String problem) {
    super(file + ": field '" + field + "' " + problem);
  }
}
