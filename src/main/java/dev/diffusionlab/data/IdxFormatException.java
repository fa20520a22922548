package dev.diffusionlab.data;

/** A file that is not the IDX file it should be (wrong magic, dimensions or length). */
public final class IdxFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdxFormatException(String message) {
    super(message);
  }
}
