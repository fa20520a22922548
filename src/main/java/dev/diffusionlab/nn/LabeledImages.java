package dev.diffusionlab.nn;

/**
 * Grayscale images with integer labels, as training code consumes them: {@code pixels} holds {@code
 * labels.length} images of side × side bytes (0 = black) one after another.
 */
public record LabeledImages(byte[] pixels, int[] labels, int side) {
  /** Checks the pixel count matches. */
  public LabeledImages {
    if (pixels.length != (long) labels.length * side * side) {
      throw new IllegalArgumentException(
          "expected " + labels.length + " images of " + side + "x" + side + " pixels");
    }
  }

  /** Number of images. */
  public int count() {
    return labels.length;
  }

  /** Copies image {@code index} as floats in [-1, 1] into {@code out} at {@code offset}. */
  public void copyScaled(int index, float[] out, int offset) {
    int size = side * side;
    int start = index * size;
    for (int i = 0; i < size; i++) {
      out[offset + i] = (pixels[start + i] & 0xff) / 127.5f - 1f;
    }
  }

  /** Concatenates two sets; labels of {@code second} are shifted by {@code labelOffset}. */
  public static LabeledImages concat(LabeledImages first, LabeledImages second, int labelOffset) {
    if (first.side != second.side) {
      throw new IllegalArgumentException(
          "image sizes differ: " + first.side + " vs " + second.side);
    }
    byte[] pixels = new byte[first.pixels.length + second.pixels.length];
    System.arraycopy(first.pixels, 0, pixels, 0, first.pixels.length);
    System.arraycopy(second.pixels, 0, pixels, first.pixels.length, second.pixels.length);
    int[] labels = new int[first.labels.length + second.labels.length];
    System.arraycopy(first.labels, 0, labels, 0, first.labels.length);
    for (int i = 0; i < second.labels.length; i++) {
      labels[first.labels.length + i] = second.labels[i] + labelOffset;
    }
    return new LabeledImages(pixels, labels, first.side);
  }
}
