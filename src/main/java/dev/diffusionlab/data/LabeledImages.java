package dev.diffusionlab.data;

/**
 * Grey images with integer labels, as MNIST stores them.
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

  public int count() {
    return labels.length;
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
