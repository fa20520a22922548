package dev.diffusionlab.data;

import dev.diffusionlab.tensor.ImageRange;
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
    return ImageRange.unitToSigned(Images.toChw(image, channels));
  }

  /** Converts [-1, 1] values to an image (clipping). */
  public static BufferedImage fromSigned(float[] chw, int channels, int size) {
    return Images.fromChw(ImageRange.signedToUnit(chw), channels, size, size);
  }
}
