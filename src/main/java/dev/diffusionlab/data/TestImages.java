package dev.diffusionlab.data;

import dev.diffusionlab.util.Progress;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** Loads an input image at the size a model needs, saying so when it has to resize. */
public final class TestImages {
  private TestImages() {}

  /**
   * Reads an image and resizes it to {@code size}×{@code size} if needed (logging a note), then
   * converts to [C, H, W] values in [-1, 1].
   */
  public static float[] loadSigned(Path file, int size, int channels, Progress progress) {
    BufferedImage image = Images.read(file);
    if (image.getWidth() != size || image.getHeight() != size) {
      progress.log(
          "note: "
              + file.getFileName()
              + " is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + ", resized to "
              + size
              + "x"
              + size);
      image = Images.resize(image, size, size);
    }
    float[] chw = Images.toChw(image, channels);
    for (int i = 0; i < chw.length; i++) {
      chw[i] = 2 * chw[i] - 1;
    }
    return chw;
  }

  /** Converts [-1, 1] values to an image (clipping). */
  public static BufferedImage fromSigned(float[] chw, int channels, int size) {
    float[] unit = new float[chw.length];
    for (int i = 0; i < chw.length; i++) {
      unit[i] = (chw[i] + 1) / 2;
    }
    return Images.fromChw(unit, channels, size, size);
  }

  /** PSNR in dB of two [-1, 1] images after mapping to [0, 1] and clipping. */
  public static double psnr(float[] a, float[] b) {
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double x = Math.max(0, Math.min(1, (a[i] + 1) / 2));
      double y = Math.max(0, Math.min(1, (b[i] + 1) / 2));
      mse += (x - y) * (x - y);
    }
    mse /= a.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
  }
}
