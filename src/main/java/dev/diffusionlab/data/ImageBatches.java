package dev.diffusionlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Turns selected images and labels of a {@link LabeledImages} into tensors. */
public final class ImageBatches {
  private ImageBatches() {}

  /** The images at {@code indices} as [N, 1, H, W] floats in [0, 1]. */
  public static NDArray images(LabeledImages data, int[] indices, NDManager manager) {
    int size = data.height() * data.width();
    float[] out = new float[indices.length * size];
    byte[] pixels = data.pixels();
    for (int n = 0; n < indices.length; n++) {
      int from = indices[n] * size;
      for (int i = 0; i < size; i++) {
        out[n * size + i] = (pixels[from + i] & 0xff) / 255f;
      }
    }
    return manager.create(out, new Shape(indices.length, 1, data.height(), data.width()));
  }

  /** The labels at {@code indices}. */
  public static int[] labels(LabeledImages data, int[] indices) {
    int[] out = new int[indices.length];
    for (int n = 0; n < indices.length; n++) {
      out[n] = data.labels()[indices[n]];
    }
    return out;
  }

  /** One-hot rows [N, classes]; a label of -1 gives an all-zero row ("no class"). */
  public static NDArray oneHot(int[] labels, int classes, NDManager manager) {
    float[] out = new float[labels.length * classes];
    for (int n = 0; n < labels.length; n++) {
      if (labels[n] >= 0) {
        out[n * classes + labels[n]] = 1f;
      }
    }
    return manager.create(out, new Shape(labels.length, classes));
  }

  /** The first {@code count} indices 0, 1, ..., count - 1. */
  public static int[] range(int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = i;
    }
    return out;
  }
}
