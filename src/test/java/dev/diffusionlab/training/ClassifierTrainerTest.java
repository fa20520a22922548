package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import dev.diffusionlab.nn.ImageClassifier;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Progress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTrainerTest {
  /**
   * SHA-256 of a 20-class classifier's weights after 2 epochs of 4 steps on 64 random images,
   * recorded by running the trainer as it was before Adam and the learning-rate schedule moved to
   * {@code training} (nn.ClassifierTrainer with nn.Adam and nn.LearningRates, commit 4401da1).
   */
  private static final String ORIGINAL_WEIGHTS =
      "6fa4a43fba34412b86582e7c89c7f493180b04243c2eac82607a327e240bd51c";

  @Test
  void trainingReproducesTheOriginalTrainersWeights(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        ImageClassifier classifier = new ImageClassifier(20, manager, 9)) {
      new ClassifierTrainer(2, 16, 1e-3, 4, Progress.silent())
          .train(classifier, EmbeddedDenoiserTrainerTest.data());
      classifier.save(dir.resolve("c.safetensors"));
      assertEquals(ORIGINAL_WEIGHTS, Hashing.sha256(dir.resolve("c.safetensors")));
    }
  }

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
