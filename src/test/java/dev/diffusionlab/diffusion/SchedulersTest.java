package dev.diffusionlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both schedulers against closed forms and steps computed by hand. */
class SchedulersTest {
  // Linear betas 0.1, 0.2, 0.3: abar = 0.9, 0.72, 0.504.
  private static final NoiseSchedule THREE = NoiseSchedule.linear(3, 0.1, 0.3);
  private static final Shape SHAPE = new Shape(1, 1, 2, 2);
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void linearScheduleHasTheClosedFormCumulativeProducts() {
    assertArrayEquals(new float[] {0.9f, 0.72f, 0.504f}, THREE.alphasCumprod(), 1e-7f);
    assertEquals(0.2f, THREE.beta(1), 1e-7f);
    assertEquals(1f, THREE.alphaCumprod(-1), 0f);
  }

  @Test
  void posteriorVarianceOfAStepAndOfAStridedStep() {
    DdpmScheduler course = DdpmScheduler.course(THREE);
    // (1 - 0.72) / (1 - 0.504) * (1 - 0.504 / 0.72) = 0.28 / 0.496 * 0.3
    assertEquals(0.28 / 0.496 * 0.3, course.posteriorVariance(2, 1), 1e-6);
    // t = 2 → 0: (1 - 0.9) / (1 - 0.504) * (1 - 0.504 / 0.9)
    assertEquals(0.1 / 0.496 * (1 - 0.504 / 0.9), course.posteriorVariance(2, 0), 1e-6);
    // To the clean image the posterior variance is 0.
    assertEquals(0, course.posteriorVariance(0, -1), 1e-7);
  }

  @Test
  void courseTimestepsRunFromTheLastTrainingStepToZero() {
    DdpmScheduler course = DdpmScheduler.course(NoiseSchedule.linear(300, 1e-4, 0.02));
    int[] t = course.timesteps();
    assertEquals(300, t.length);
    assertEquals(299, t[0]);
    assertEquals(0, t[299]);
    assertEquals(0.5f, course.time(150), 0f);
  }

  @Test
  void forwardProcessNoisesEachItemToItsOwnTimestep() {
    NDArray x0 = manager.ones(new Shape(2, 1, 1, 2));
    NDArray eps = manager.full(new Shape(2, 1, 1, 2), 2f);
    float[] out = DdpmScheduler.course(THREE).addNoise(x0, eps, new int[] {0, 2}).toFloatArray();
    float first = (float) (Math.sqrt(0.9) + 2 * Math.sqrt(0.1));
    float second = (float) (Math.sqrt(0.504) + 2 * Math.sqrt(0.496));
    assertArrayEquals(new float[] {first, first, second, second}, out, 1e-6f);
  }

  @Test
  void courseAncestralStepWithFixedVarianceMatchesTheFormulaByHand() {
    DdpmScheduler course = DdpmScheduler.course(THREE);
    NDArray x = manager.full(SHAPE, 0.8f);
    NDArray eps = manager.ones(SHAPE);
    // Index 0 is t = 2 → t' = 1: beta = 0.3, alpha = 0.7, abar = 0.504, abar' = 0.72.
    double x0 = (0.8 - Math.sqrt(0.496)) / Math.sqrt(0.504);
    double mean = Math.sqrt(0.72) * 0.3 / 0.496 * x0 + Math.sqrt(0.7) * 0.28 / 0.496 * 0.8;
    float[] z = Noise.seeded(4).normal(4);
    float[] out = course.step(eps, 0, x, Noise.seeded(4)).toFloatArray();
    for (int i = 0; i < 4; i++) {
      assertEquals(mean + Math.sqrt(0.3) * z[i], out[i], 1e-6);
    }
  }

  @Test
  void courseStepClipsTheCleanEstimateToTheUnitRange() {
    DdpmScheduler course = DdpmScheduler.course(THREE);
    // x = 3, eps = 0: x0 = 3 / sqrt(0.504) > 1 is clipped to 1 before the mean.
    NDArray x = manager.full(SHAPE, 3f);
    double mean = Math.sqrt(0.72) * 0.3 / 0.496 * 1 + Math.sqrt(0.7) * 0.28 / 0.496 * 3;
    NDArray zero = manager.zeros(SHAPE);
    float[] out = course.step(manager.zeros(SHAPE), 2, 1, x, zero).toFloatArray();
    assertEquals(mean, out[0], 1e-6);
  }

  @Test
  void lastStepIsThePosteriorMeanAndDrawsNoNoise() {
    DdpmScheduler course = DdpmScheduler.course(THREE);
    Noise noise = Noise.seeded(8);
    // t = 0 → the clean image: x0 = (0.3 - sqrt(0.1) * 0) / sqrt(0.9), the mean's x_t weight is 0.
    float[] out =
        course.step(manager.zeros(SHAPE), 2, manager.full(SHAPE, 0.3f), noise).toFloatArray();
    assertEquals(0.3 / Math.sqrt(0.9), out[0], 1e-6);
    assertEquals(Noise.seeded(8).normal(1)[0], noise.normal(1)[0], 0f);
  }

  @Test
  void learnedRangeNeedsTwiceTheImageChannels() {
    DdpmScheduler learned = DdpmScheduler.deepFloyd(THREE, new int[] {2, 0});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> learned.step(manager.zeros(SHAPE), 0, manager.zeros(SHAPE), Noise.seeded(1)));
    assertTrue(e.getMessage().contains("needs 2 output channels"), e.getMessage());
  }

  @Test
  void timestepsMustDecreaseWithinTheSchedule() {
    assertThrows(
        IllegalArgumentException.class, () -> DdpmScheduler.deepFloyd(THREE, new int[] {0, 2}));
    assertThrows(
        IllegalArgumentException.class, () -> DdpmScheduler.deepFloyd(THREE, new int[] {3, 0}));
  }

  @Test
  void flowEulerStepAddsTheVelocityOverTheStepCount() {
    FlowMatchEulerScheduler flow = new FlowMatchEulerScheduler(4);
    assertArrayEquals(new int[] {0, 1, 2, 3}, flow.timesteps());
    assertEquals(0.75f, flow.time(3), 0f);
    NDArray x = manager.full(SHAPE, 0.2f);
    NDArray v = manager.full(SHAPE, 1.5f);
    // 0.2 + 1.5 / 4
    assertEquals(0.575f, flow.step(v, 3, x, Noise.seeded(1)).getFloat(0, 0, 0, 0), 1e-7f);
    // x_s = (1 - s) eps + s x0 at s = 1/4 and 3/4 for x0 = 1, eps = -1.
    NDArray x0 = manager.ones(new Shape(2, 1, 1, 1));
    NDArray eps = x0.neg();
    assertArrayEquals(
        new float[] {-0.5f, 0.5f}, flow.addNoise(x0, eps, new int[] {1, 3}).toFloatArray(), 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> new FlowMatchEulerScheduler(0));
  }
}
