package dev.diffusionlab.tensor;

/** Peak signal-to-noise ratio in dB for images whose values span [0, 1] (peak 1). */
public final class Psnr {
  private Psnr() {}

  /** {@code 10 log10(1 / mse)}; +∞ for identical images. */
  public static double fromMse(double mse) {
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
  }

  /** The PSNR of two [-1, 1] images after mapping both to [0, 1] and clipping. */
  public static double signed(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "images differ in size: " + a.length + " and " + b.length + " values");
    }
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double x = ImageRange.signedToUnitClipped(a[i]);
      double y = ImageRange.signedToUnitClipped(b[i]);
      mse += (x - y) * (x - y);
    }
    return fromMse(mse / a.length);
  }
}
