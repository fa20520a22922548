package dev.diffusionlab.experiments;

/** A parameter value that an experiment type cannot accept; names the offending field. */
public final class InvalidParamsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidParamsException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The parameter name, possibly a dotted path such as {@code sigmas[2]}. */
  public String field() {
    return field;
  }
}
