package dev.diffusionlab.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Numeric comparisons in the style of {@code numpy.allclose}, reporting the worst element. */
public final class Tensors {
  private Tensors() {}

  /** The largest |actual - expected|. */
  public static double maxAbsError(float[] actual, float[] expected) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs((double) actual[i] - expected[i]));
    }
    return worst;
  }

  /**
   * Asserts |actual - expected| <= atol + rtol |expected| everywhere and returns the max abs error.
   */
  public static double assertClose(
      String what, float[] actual, float[] expected, double atol, double rtol) {
    assertTrue(
        actual.length == expected.length,
        what + ": length " + actual.length + " != " + expected.length);
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs((double) actual[i] - expected[i]);
      if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
        throw new AssertionError(
            what
                + ": element "
                + i
                + " is "
                + actual[i]
                + ", expected "
                + expected[i]
                + " (max abs error "
                + maxAbsError(actual, expected)
                + ")");
      }
    }
    return maxAbsError(actual, expected);
  }

  /** {@link #assertClose(String, float[], float[], double, double)} for an array and its shape. */
  public static double assertClose(
      String what,
      NDArray actual,
      long[] expectedShape,
      float[] expected,
      double atol,
      double rtol) {
    assertArrayEquals(expectedShape, actual.getShape().getShape(), what + ": shape");
    return assertClose(
        what, actual.toType(DataType.FLOAT32, false).toFloatArray(), expected, atol, rtol);
  }
}
