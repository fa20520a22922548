package dev.diffusionlab.report;

import dev.diffusionlab.data.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Grey images from a batch of [N, 1, H, W] floats in [0, 1] (values outside are clipped). */
public final class SampleImages {
  private SampleImages() {}

  /** Image {@code index} of the batch. */
  public static BufferedImage image(float[] batch, int index, int height, int width) {
    float[] one = new float[height * width];
    System.arraycopy(batch, index * one.length, one, 0, one.length);
    return Images.fromChw(one, 1, height, width);
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive). */
  public static List<BufferedImage> images(float[] batch, int from, int to, int height, int width) {
    List<BufferedImage> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(image(batch, i, height, width));
    }
    return out;
  }

  /** All images of the batch tiled row-major, {@code columns} per row, with a 1-pixel gap. */
  public static BufferedImage tile(float[] batch, int count, int columns, int height, int width) {
    int rows = (count + columns - 1) / columns;
    BufferedImage out =
        new BufferedImage(
            columns * (width + 1) + 1, rows * (height + 1) + 1, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < count; i++) {
      BufferedImage cell = image(batch, i, height, width);
      out.createGraphics()
          .drawImage(cell, 1 + (i % columns) * (width + 1), 1 + (i / columns) * (height + 1), null);
    }
    return out;
  }
}
