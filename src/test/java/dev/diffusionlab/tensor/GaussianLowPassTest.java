package dev.diffusionlab.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class GaussianLowPassTest {

  @Test
  void scalesTheAssignmentsFilterWithImageSize() {
    GaussianLowPass at64 = GaussianLowPass.forImageSize(64);
    assertEquals(33, at64.kernelSize());
    assertEquals(2.0, at64.sigma(), 1e-12);
    GaussianLowPass at28 = GaussianLowPass.forImageSize(28);
    assertEquals(15, at28.kernelSize());
    assertEquals(0.875, at28.sigma(), 1e-12);
  }

  @Test
  void kernelOfFiveTapsMatchesTheClosedForm() {
    float[] k = new GaussianLowPass(5, 2.0).kernel();
    // exp(-x^2/8) for x = 0, 1, 2: 1, 0.882497, 0.606531; sum 3.978056
    assertEquals(1 / 3.978056, k[2], 1e-6);
    assertEquals(0.882497 / 3.978056, k[1], 1e-6);
    assertEquals(0.606531 / 3.978056, k[0], 1e-6);
    assertEquals(k[0], k[4]);
  }

  @Test
  void heapBlurKeepsConstantsAndSpreadsAnImpulseAsTheKernelsOuterProduct() {
    GaussianLowPass blur = new GaussianLowPass(5, 2.0);
    float[] flat = new float[2 * 6 * 6];
    java.util.Arrays.fill(flat, 0.25f);
    for (float v : blur.lowPass(flat, 2, 6, 6)) {
      assertEquals(0.25f, v, 1e-6);
    }
    float[] impulse = new float[9 * 9];
    impulse[4 * 9 + 4] = 1;
    float[] out = blur.lowPass(impulse, 1, 9, 9);
    float[] k = blur.kernel();
    assertEquals(k[2] * k[2], out[4 * 9 + 4], 1e-7);
    assertEquals(k[1] * k[3], out[3 * 9 + 5], 1e-7);
    assertEquals(0, out[0], 1e-9);
    assertThrows(IllegalArgumentException.class, () -> new GaussianLowPass(4, 1));
  }

  @Test
  void kernelIsNormalisedAndMatchesTheGaussianByHand() {
    float[] k = new GaussianLowPass(3, 1.0).kernel();
    double e = Math.exp(-0.5);
    double sum = 1 + 2 * e;
    assertArrayEquals(
        new float[] {(float) (e / sum), (float) (1 / sum), (float) (e / sum)}, k, 1e-7f);
  }

  @Test
  void lowPassMatchesDirectConvolutionWithReflectedBorders() {
    GaussianLowPass filter = new GaussianLowPass(5, 1.3);
    int h = 6;
    int w = 7;
    float[] image = new float[h * w];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < image.length; i++) {
      image[i] = random.nextFloat();
    }
    float[] k = filter.kernel();
    float[] expected = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double acc = 0;
        for (int dy = -2; dy <= 2; dy++) {
          for (int dx = -2; dx <= 2; dx++) {
            acc += k[dy + 2] * k[dx + 2] * image[reflect(y + dy, h) * w + reflect(x + dx, w)];
          }
        }
        expected[y * w + x] = (float) acc;
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(image, new Shape(1, 1, h, w));
      assertArrayEquals(expected, filter.lowPass(x).toFloatArray(), 1e-5f);
    }
    assertArrayEquals(expected, filter.lowPass(image, 1, h, w), 1e-5f);
  }

  private static int reflect(int i, int n) {
    if (i < 0) {
      return -i;
    }
    return i >= n ? 2 * (n - 1) - i : i;
  }

  @Test
  void lowAndHighPassAddUpToTheImageAndConstantsHaveNoHighFrequencies() {
    GaussianLowPass filter = GaussianLowPass.forImageSize(28);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = Noise.seeded(1).normal(manager, new Shape(2, 1, 28, 28));
      NDArray sum = filter.lowPass(x).add(filter.highPass(x));
      assertArrayEquals(x.toFloatArray(), sum.toFloatArray(), 1e-5f);
      NDArray constant = manager.full(new Shape(1, 3, 28, 28), 0.25f);
      assertEquals(0f, filter.highPass(constant).abs().max().getFloat(), 1e-6f);
    }
  }
}
