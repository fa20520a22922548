package dev.diffusionlab.manifest;

/** One thing wrong with a manifest: where, which field, and what was expected. */
public record ManifestProblem(SourceLocation location, String field, String message) {
  @Override
  public String toString() {
    return location + ": " + (field.isEmpty() ? "" : field + ": ") + message;
  }
}
