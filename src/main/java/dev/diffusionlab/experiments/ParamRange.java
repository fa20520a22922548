package dev.diffusionlab.experiments;

/**
 * Range checks for numeric parameters, so that a value such as 2147483647 is refused with its field
 * before anything runs instead of failing later with "Requested array size exceeds VM limit".
 */
public final class ParamRange {
  private ParamRange() {}

  /** Requires {@code min <= value <= max}. */
  public static void require(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidParamsException(field, "expected " + min + " to " + max + ", got " + value);
    }
  }

  /**
   * Requires {@code min <= value <= max}, or {@code min < value} when {@code open} at the low end.
   */
  public static void require(String field, double value, double min, double max, boolean open) {
    boolean low = open ? value > min : value >= min;
    if (!low || !(value <= max)) {
      throw new InvalidParamsException(
          field,
          "expected a number "
              + (open ? "above " : "from ")
              + min
              + (open ? " up to " : " to ")
              + max
              + ", got "
              + value);
    }
  }
}
