package dev.diffusionlab.data;

/**
 * Separable Gaussian blur of [C, H, W] float images with reflect padding, as torchvision's {@code
 * gaussian_blur} computes it (A1.2's classical denoiser).
 */
public final class GaussianBlur {
  private final float[] kernel;

  /**
   * @param kernelSize odd number of taps
   * @param sigma standard deviation in pixels
   */
  public GaussianBlur(int kernelSize, double sigma) {
    if (kernelSize <= 0 || kernelSize % 2 == 0) {
      throw new IllegalArgumentException("kernel size must be odd and positive, got " + kernelSize);
    }
    if (sigma <= 0) {
      throw new IllegalArgumentException("sigma must be positive, got " + sigma);
    }
    this.kernel = kernel1d(kernelSize, sigma);
  }

  /** The normalised 1-D kernel exp(-x^2 / (2 sigma^2)) for x in [-(k-1)/2, (k-1)/2]. */
  public static float[] kernel1d(int size, double sigma) {
    float[] k = new float[size];
    double sum = 0;
    int half = size / 2;
    for (int i = 0; i < size; i++) {
      double x = i - half;
      k[i] = (float) Math.exp(-x * x / (2 * sigma * sigma));
      sum += k[i];
    }
    for (int i = 0; i < size; i++) {
      k[i] = (float) (k[i] / sum);
    }
    return k;
  }

  /** Blurs each channel of a [C, H, W] image; returns a new array. */
  public float[] apply(float[] chw, int channels, int height, int width) {
    float[] horizontal = new float[chw.length];
    float[] out = new float[chw.length];
    int half = kernel.length / 2;
    for (int c = 0; c < channels; c++) {
      int base = c * height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float sum = 0;
          for (int k = 0; k < kernel.length; k++) {
            sum += kernel[k] * chw[base + y * width + reflect(x + k - half, width)];
          }
          horizontal[base + y * width + x] = sum;
        }
      }
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float sum = 0;
          for (int k = 0; k < kernel.length; k++) {
            sum += kernel[k] * horizontal[base + reflect(y + k - half, height) * width + x];
          }
          out[base + y * width + x] = sum;
        }
      }
    }
    return out;
  }

  /** Reflect padding without repeating the edge: -1 → 1, n → n - 2. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }
}
