package dev.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataUtilitiesTest {
  @TempDir Path dir;

  @Test
  void gaussianKernelMatchesTheClosedForm() {
    float[] k = GaussianBlur.kernel1d(5, 2.0);
    // exp(-x^2/8) for x = 0, 1, 2: 1, 0.882497, 0.606531; sum 3.978056
    assertEquals(1 / 3.978056, k[2], 1e-6);
    assertEquals(0.882497 / 3.978056, k[1], 1e-6);
    assertEquals(0.606531 / 3.978056, k[0], 1e-6);
    assertEquals(k[0], k[4]);
  }

  @Test
  void reflectPaddingMirrorsWithoutRepeatingTheEdge() {
    assertEquals(1, GaussianBlur.reflect(-1, 5));
    assertEquals(2, GaussianBlur.reflect(-2, 5));
    assertEquals(3, GaussianBlur.reflect(5, 5));
    assertEquals(2, GaussianBlur.reflect(6, 5));
  }

  @Test
  void blurKeepsConstantImagesAndSmoothsAnImpulse() {
    GaussianBlur blur = new GaussianBlur(5, 2.0);
    float[] flat = new float[2 * 6 * 6];
    java.util.Arrays.fill(flat, 0.25f);
    for (float v : blur.apply(flat, 2, 6, 6)) {
      assertEquals(0.25f, v, 1e-6);
    }
    float[] impulse = new float[9 * 9];
    impulse[4 * 9 + 4] = 1;
    float[] out = blur.apply(impulse, 1, 9, 9);
    float[] k = GaussianBlur.kernel1d(5, 2.0);
    assertEquals(k[2] * k[2], out[4 * 9 + 4], 1e-7);
    assertEquals(k[1] * k[3], out[3 * 9 + 5], 1e-7);
    assertEquals(0, out[0], 1e-9);
    assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(4, 1));
  }

  @Test
  void npyRoundTripsAndRejectsTruncatedFiles() throws Exception {
    Path file = dir.resolve("a.npy");
    float[] data = {1, -2.5f, 3, 4, 5, 6};
    Npy.write(file, data, 2, 3);
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(0, (bytes.length - 24) % 4);
    assertEquals(0, (10 + (bytes[8] & 0xff)) % 64, "header padded to 64 bytes as numpy does");
    Npy.Array read = Npy.read(file);
    assertArrayEquals(data, read.data());
    assertArrayEquals(new long[] {2, 3}, read.shape());
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void psnrOfKnownError() {
    float[] a = {-1, 1};
    float[] b = {-0.8f, 1}; // 0.1 apart in [0, 1] units on one of two pixels: MSE 0.005
    assertEquals(10 * Math.log10(1 / 0.005), TestImages.psnr(a, b), 1e-4);
  }
}
