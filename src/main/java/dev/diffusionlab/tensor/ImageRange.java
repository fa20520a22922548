package dev.diffusionlab.tensor;

/**
 * The two value ranges of images: signed [-1, 1], as part A's denoisers see them, and unit [0, 1],
 * as pictures and part B's networks hold them.
 */
public final class ImageRange {
  private ImageRange() {}

  /** {@code (x + 1) / 2} for each value, unclipped. */
  public static float[] signedToUnit(float[] signed) {
    float[] unit = new float[signed.length];
    for (int i = 0; i < signed.length; i++) {
      unit[i] = (signed[i] + 1) / 2;
    }
    return unit;
  }

  /** {@code 2 x - 1} for each value. */
  public static float[] unitToSigned(float[] unit) {
    float[] signed = new float[unit.length];
    for (int i = 0; i < unit.length; i++) {
      signed[i] = 2 * unit[i] - 1;
    }
    return signed;
  }

  /** One signed value mapped to [0, 1] and clipped there. */
  public static double signedToUnitClipped(double signed) {
    return Math.max(0, Math.min(1, (signed + 1) / 2));
  }
}
