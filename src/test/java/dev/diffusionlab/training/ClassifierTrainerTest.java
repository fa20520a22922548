package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ClassifierTrainerTest {
  private static float[] ramp(int side) {
    float[] image = new float[side * side];
    for (int i = 0; i < image.length; i++) {
      image[i] = i + 1;
    }
    return image;
  }

  @Test
  void shiftMovesPixelsAndFillsWithBlack() {
    float[] image = ramp(3);
    // Right by 1, down by 1: the pixel at (x, y) comes from (x - 1, y - 1).
    float[] expected = {0, 0, 0, 0, 1, 2, 0, 4, 5};
    assertArrayEquals(expected, ClassifierTrainer.shifted(image, 3, 1, 1));
    float[] upLeft = {5, 6, 0, 8, 9, 0, 0, 0, 0};
    assertArrayEquals(upLeft, ClassifierTrainer.shifted(image, 3, -1, -1));
  }

  @Test
  void shiftByZeroKeepsTheImageAndShiftsUndoEachOtherInside() {
    float[] image = ramp(5);
    assertSame(image, ClassifierTrainer.shifted(image, 5, 0, 0));
    float[] back = ClassifierTrainer.shifted(ClassifierTrainer.shifted(image, 5, 2, -1), 5, -2, 1);
    // What stayed inside the frame returns to its place; the rest is black.
    assertEquals(image[1 * 5 + 0], back[1 * 5 + 0]);
    assertEquals(image[4 * 5 + 2], back[4 * 5 + 2]);
    assertEquals(0f, back[0 * 5 + 4]);
  }
}
