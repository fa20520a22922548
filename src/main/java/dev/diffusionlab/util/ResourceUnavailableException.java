package dev.diffusionlab.util;

/**
 * Something an experiment needs from outside the project is not on this machine (for instance
 * licensed model weights). The experiment is reported as unavailable, with this message as the note
 * the report shows in place of its figures; unlike a failure, it does not fail the build.
 */
public class ResourceUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResourceUnavailableException(String message) {
    super(message);
  }
}
