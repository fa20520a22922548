package dev.diffusionlab.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageValuesTest {

  @Test
  void psnrOfKnownError() {
    float[] a = {-1, 1};
    float[] b = {-0.8f, 1}; // 0.1 apart in [0, 1] units on one of two pixels: MSE 0.005
    assertEquals(10 * Math.log10(1 / 0.005), Psnr.signed(a, b), 1e-4);
    assertEquals(20, Psnr.fromMse(0.01), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, Psnr.signed(a, a));
    assertThrows(IllegalArgumentException.class, () -> Psnr.signed(a, new float[3]));
  }

  @Test
  void psnrClipsValuesOutsideTheRangeFirst() {
    // 3 maps to 2 and clips to 1: no error against 1.
    assertEquals(Double.POSITIVE_INFINITY, Psnr.signed(new float[] {3f}, new float[] {1f}));
  }

  @Test
  void signedAndUnitRangesMapLinearly() {
    assertArrayEquals(
        new float[] {0f, 0.5f, 1f, 1.5f},
        ImageRange.signedToUnit(new float[] {-1f, 0f, 1f, 2f}),
        0f);
    assertArrayEquals(
        new float[] {-1f, 0f, 1f}, ImageRange.unitToSigned(new float[] {0f, 0.5f, 1f}), 0f);
    assertEquals(0.0, ImageRange.signedToUnitClipped(-3), 0);
    assertEquals(0.75, ImageRange.signedToUnitClipped(0.5), 0);
  }
}
