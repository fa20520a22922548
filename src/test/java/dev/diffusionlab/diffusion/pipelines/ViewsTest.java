package dev.diffusionlab.diffusion.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ViewsTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  static java.util.List<String> viewNames() {
    return Views.names();
  }

  private NDArray randomImages(int size) {
    return Noise.seeded(7).normal(manager, new Shape(2, 3, size, size));
  }

  @ParameterizedTest
  @MethodSource("viewNames")
  void inverseUndoesEveryViewExactly(String name) {
    View view = Views.byName(name);
    for (int size : new int[] {28, 64}) {
      NDArray x = randomImages(size);
      assertArrayEquals(x.toFloatArray(), view.inverse(view.apply(x)).toFloatArray(), 0f);
      assertArrayEquals(x.toFloatArray(), view.apply(view.inverse(x)).toFloatArray(), 0f);
    }
  }

  @ParameterizedTest
  @MethodSource("viewNames")
  void everyViewPreservesTheNorm(String name) {
    NDArray x = randomImages(28);
    NDArray y = Views.byName(name).apply(x);
    assertEquals(x.square().sum().getFloat(), y.square().sum().getFloat(), 1e-3);
  }

  @ParameterizedTest
  @MethodSource("viewNames")
  void everyViewButIdentityChangesTheImage(String name) {
    NDArray x = randomImages(28);
    boolean same = Arrays.equals(x.toFloatArray(), Views.byName(name).apply(x).toFloatArray());
    assertEquals(name.equals("identity"), same);
  }

  @Test
  void flipRotatesByHalfATurn() {
    NDArray x = manager.arange(6f).reshape(1, 1, 2, 3);
    assertArrayEquals(
        new float[] {5, 4, 3, 2, 1, 0}, Views.byName("flip").apply(x).toFloatArray(), 0f);
  }

  @Test
  void flipIsItsOwnInverse() {
    View flip = Views.byName("flip");
    NDArray x = randomImages(28);
    assertArrayEquals(x.toFloatArray(), flip.apply(flip.apply(x)).toFloatArray(), 0f);
  }

  @Test
  void rotateClockwiseTurnsTheTopRowIntoTheRightColumn() {
    // [[0, 1], [2, 3]] turned clockwise is [[2, 0], [3, 1]].
    NDArray x = manager.arange(4f).reshape(1, 1, 2, 2);
    assertArrayEquals(
        new float[] {2, 0, 3, 1}, Views.byName("rotate_cw").apply(x).toFloatArray(), 0f);
    assertArrayEquals(
        Views.byName("rotate_ccw").inverse(x).toFloatArray(),
        Views.byName("rotate_cw").apply(x).toFloatArray(),
        0f);
  }

  @Test
  void skewRollsColumnsByDifferentAmounts() {
    NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);
    float[] y = Views.byName("skew").apply(x).toFloatArray();
    // Column 0 moves by round(-2 / 2) = -1 (up one), column 2 stays.
    assertEquals(4f, y[0]);
    assertEquals(2f, y[2]);
  }

  @Test
  void negateLeavesVarianceAlone() {
    NDArray v = randomImages(8);
    View negate = Views.byName("negate");
    assertArrayEquals(v.toFloatArray(), negate.inverseVariance(v).toFloatArray(), 0f);
    assertArrayEquals(v.neg().toFloatArray(), negate.inverse(v).toFloatArray(), 0f);
  }

  @Test
  void rotationsRejectNonSquareImages() {
    NDArray x = manager.zeros(new Shape(1, 1, 4, 6));
    assertThrows(IllegalArgumentException.class, () -> Views.byName("rotate_cw").apply(x));
  }

  @Test
  void unknownViewNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Views.byName("mirror"));
    assertFalse(e.getMessage().isEmpty());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("patch_permute"));
  }
}
