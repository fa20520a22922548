package dev.diffusionlab.data;

/**
 * Grey images with integer labels, as MNIST stores them; {@link #image} reads one in [0, 1] and
 * {@link #copySigned} in [-1, 1].
 *
 * @param pixels count × height × width values 0–255, row-major
 * @param labels one label per image
 */
public record LabeledImages(byte[] pixels, int[] labels, int height, int width) {
  public LabeledImages {
    if (pixels.length != labels.length * height * width) {
      throw new IllegalArgumentException(
          labels.length + " labels but " + pixels.length + " pixels of " + height + "x" + width);
    }
  }

  /** Square images of side × side pixels. */
  public static LabeledImages square(byte[] pixels, int[] labels, int side) {
    return new LabeledImages(pixels, labels, side, side);
  }

  public int count() {
    return labels.length;
  }

  /** The side of square images. */
  public int side() {
    if (height != width) {
      throw new IllegalStateException("images are " + height + "x" + width + ", not square");
    }
    return height;
  }

  /** Copies image {@code index} as floats in [-1, 1] into {@code out} at {@code offset}. */
  public void copySigned(int index, float[] out, int offset) {
    int size = height * width;
    int start = index * size;
    for (int i = 0; i < size; i++) {
      out[offset + i] = (pixels[start + i] & 0xff) / 127.5f - 1f;
    }
  }

  /** Concatenates two sets; labels of {@code second} are shifted by {@code labelOffset}. */
  public static LabeledImages concat(LabeledImages first, LabeledImages second, int labelOffset) {
    if (first.height != second.height || first.width != second.width) {
      throw new IllegalArgumentException(
          "image sizes differ: "
              + first.height
              + "x"
              + first.width
              + " vs "
              + second.height
              + "x"
              + second.width);
    }
    byte[] pixels = new byte[first.pixels.length + second.pixels.length];
    System.arraycopy(first.pixels, 0, pixels, 0, first.pixels.length);
    System.arraycopy(second.pixels, 0, pixels, first.pixels.length, second.pixels.length);
    int[] labels = new int[first.labels.length + second.labels.length];
    System.arraycopy(first.labels, 0, labels, 0, first.labels.length);
    for (int i = 0; i < second.labels.length; i++) {
      labels[first.labels.length + i] = second.labels[i] + labelOffset;
    }
    return new LabeledImages(pixels, labels, first.height, first.width);
  }

  /** Image {@code index} as floats in [0, 1], length height × width. */
  public float[] image(int index) {
    int size = height * width;
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (pixels[index * size + i] & 0xff) / 255f;
    }
    return out;
  }

  /** Reads an images file and a labels file and checks they agree. */
  public static LabeledImages read(java.nio.file.Path images, java.nio.file.Path labels) {
    Idx.Array x = Idx.read(images, 3);
    Idx.Array y = Idx.read(labels, 1);
    if (x.dims()[0] != y.dims()[0]) {
      throw new IdxFormatException(
          images
              + " has "
              + x.dims()[0]
              + " images but "
              + labels
              + " has "
              + y.dims()[0]
              + " labels");
    }
    int[] ys = new int[y.data().length];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = y.unsigned(i);
    }
    return new LabeledImages(x.data(), ys, x.dims()[1], x.dims()[2]);
  }
}
