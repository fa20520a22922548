package dev.diffusionlab.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A separable Gaussian blur of [N, C, H, W] images with reflected borders (as torchvision's {@code
 * gaussian_blur}), done as two matrix products {@code B_H x B_W^T} so it is exact and cheap at
 * these sizes: A1.2's classical denoiser and A1.9's hybrid images. The high-pass is {@code x -
 * lowpass(x)}.
 */
public final class GaussianLowPass {
  private final int kernelSize;
  private final double sigma;

  /**
   * @param kernelSize odd kernel width
   * @param sigma standard deviation in pixels
   */
  public GaussianLowPass(int kernelSize, double sigma) {
    if (kernelSize <= 0 || kernelSize % 2 == 0 || sigma <= 0) {
      throw new IllegalArgumentException(
          "need an odd positive kernel size and sigma > 0, got " + kernelSize + ", " + sigma);
    }
    this.kernelSize = kernelSize;
    this.sigma = sigma;
  }

  /**
   * A1.9's filter scaled to the image: kernel 33 and sigma 2 at 64×64, so {@code sigma = 2 H / 64}
   * and {@code kernel = 2 round(8 sigma) + 1} (33 at 64, 15 at 28).
   */
  public static GaussianLowPass forImageSize(int size) {
    double sigma = 2.0 * size / 64;
    return new GaussianLowPass(2 * (int) Math.round(8 * sigma) + 1, sigma);
  }

  public int kernelSize() {
    return kernelSize;
  }

  public double sigma() {
    return sigma;
  }

  /** The normalised 1-D kernel. */
  public float[] kernel() {
    int radius = kernelSize / 2;
    float[] k = new float[kernelSize];
    double sum = 0;
    for (int i = 0; i < kernelSize; i++) {
      double d = i - radius;
      k[i] = (float) Math.exp(-d * d / (2 * sigma * sigma));
      sum += k[i];
    }
    for (int i = 0; i < kernelSize; i++) {
      k[i] /= (float) sum;
    }
    return k;
  }

  /**
   * The n×n matrix that blurs a length-n signal with reflected borders: row i holds the kernel
   * centred on i, with taps beyond the ends folded back ({@code -1 → 1}, {@code n → n - 2}).
   */
  public float[] matrix(int n) {
    float[] k = kernel();
    int radius = kernelSize / 2;
    float[] m = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = -radius; j <= radius; j++) {
        m[i * n + reflect(i + j, n)] += k[j + radius];
      }
    }
    return m;
  }

  private static int reflect(int index, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int r = Math.floorMod(index, period);
    return r < n ? r : period - r;
  }

  /** The blurred images, shape [N, C, H, W]. */
  public NDArray lowPass(NDArray x) {
    NDManager manager = x.getManager();
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    NDArray rows = manager.create(matrix(h)).reshape(h, h);
    NDArray columns = manager.create(matrix(w)).reshape(w, w).transpose();
    return x.matMul(columns).transpose(0, 1, 3, 2).matMul(rows.transpose()).transpose(0, 1, 3, 2);
  }

  /** The blurred [C, H, W] image of {@code chw}, computed on the Java heap. */
  public float[] lowPass(float[] chw, int channels, int height, int width) {
    float[] rows = matrix(height);
    float[] columns = matrix(width);
    float[] horizontal = new float[width];
    float[] out = new float[chw.length];
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      float[] blurredRows = new float[plane];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float sum = 0;
          for (int j = 0; j < width; j++) {
            sum += columns[x * width + j] * chw[c * plane + y * width + j];
          }
          horizontal[x] = sum;
        }
        System.arraycopy(horizontal, 0, blurredRows, y * width, width);
      }
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float sum = 0;
          for (int i = 0; i < height; i++) {
            sum += rows[y * height + i] * blurredRows[i * width + x];
          }
          out[c * plane + y * width + x] = sum;
        }
      }
    }
    return out;
  }

  /** {@code x - lowPass(x)}. */
  public NDArray highPass(NDArray x) {
    return x.sub(lowPass(x));
  }
}
