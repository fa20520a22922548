package dev.diffusionlab.manifest;

import java.nio.file.Path;

/** A position in a source file, 1-based, printed as {@code file:line:column}. */
public record SourceLocation(Path file, int line, int column) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column : file.toString();
  }
}
