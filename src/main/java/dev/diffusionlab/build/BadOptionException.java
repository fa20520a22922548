package dev.diffusionlab.build;

/** A command-line option whose value does not fit the manifest (an unknown profile or id). */
public final class BadOptionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String option;

  public BadOptionException(String option, String message) {
    super(option + ": " + message);
    this.option = option;
  }

  /** The option as typed, e.g. {@code --profile}. */
  public String option() {
    return option;
  }
}
