package dev.diffusionlab.diffusion.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelinesTest {
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
  void guidanceExtrapolatesFromUnconditionalToConditionalAndKeepsConditionalVariance() {
    // One pixel, C = 1: eps_c = 3, v_c = 0.2; eps_u = 1, v_u = -0.5; gamma 7 → 1 + 7 * 2 = 15.
    NDArray cond = manager.create(new float[] {3f, 0.2f}, new Shape(1, 2, 1, 1));
    NDArray uncond = manager.create(new float[] {1f, -0.5f}, new Shape(1, 2, 1, 1));
    NDArray guided = ClassifierFreeGuidance.combine(cond, uncond, 7);
    assertArrayEquals(new float[] {15f, 0.2f}, guided.toFloatArray(), 1e-6f);
  }

  @Test
  void guidanceRunsBothPromptsThroughTheDenoiser() {
    LinearTestDenoiser denoiser =
        new LinearTestDenoiser(0.5f, 0f, NoiseSchedule.squaredCosCapV2(1000));
    ClassifierFreeGuidance cfg =
        new ClassifierFreeGuidance(
            Conditioned.on(denoiser, "two", manager), Conditioned.on(denoiser, "", manager), 3);
    NDArray x = manager.ones(new Shape(2, 1, 4, 4));
    // eps_c = 0.5 + 2, eps_u = 0.5 → 0.5 + 3 * 2 = 6.5.
    NDArray out = cfg.estimate(x, 500);
    assertEquals(6.5f, out.get(":, 0").mean().getFloat(), 1e-6f);
  }

  @Test
  void rePaintKeepsTheOriginalOutsideTheMask() {
    NDArray x = manager.create(new float[] {1f, 2f, 3f, 4f}, new Shape(1, 1, 2, 2));
    NDArray known = manager.create(new float[] {-1f, -2f, -3f, -4f}, new Shape(1, 1, 2, 2));
    NDArray mask = manager.create(new float[] {1f, 0f, 0f, 1f}, new Shape(1, 1, 2, 2));
    assertArrayEquals(
        new float[] {1f, -2f, -3f, 4f}, RePaint.project(x, known, mask).toFloatArray(), 0f);
  }

  @Test
  void rePaintNoisesTheOriginalToTheStepsTimestep() {
    NoiseSchedule schedule = NoiseSchedule.squaredCosCapV2(1000);
    DdpmScheduler scheduler = new DdpmScheduler(schedule);
    NDArray original = manager.full(new Shape(1, 1, 2, 2), 0.5f);
    NDArray mask = manager.zeros(new Shape(1, 1, 2, 2));
    RePaint hook = new RePaint(scheduler, original, mask);
    NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
    NDArray z = new GaussianNoise(5).sample(manager, new Shape(1, 1, 2, 2));
    float abar = schedule.alphaCumprod(600);
    float[] expected =
        original
            .mul((float) Math.sqrt(abar))
            .add(z.mul((float) Math.sqrt(1 - abar)))
            .toFloatArray();
    assertArrayEquals(expected, hook.afterStep(x, 600, new GaussianNoise(5)).toFloatArray(), 1e-6f);
    assertArrayEquals(
        original.toFloatArray(), hook.afterStep(x, -1, new GaussianNoise(5)).toFloatArray(), 0f);
  }

  @Test
  void oneReverseStepMatchesTheFormulaComputedByHand() {
    // Linear betas 0.1, 0.2, 0.3: abar = 0.9, 0.72, 0.504. Step t = 2 → t' = 0 (stride 2).
    NoiseSchedule schedule = NoiseSchedule.linear(3, 0.1, 0.3);
    DdpmScheduler scheduler = new DdpmScheduler(schedule);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0f, 1f, schedule);
    NoiseEstimator estimator = Conditioned.on(denoiser, "one", manager);
    IterativeDenoiser loop = new IterativeDenoiser(scheduler, new int[] {2, 0});
    NDArray x = manager.full(new Shape(1, 1, 4, 4), 0.8f);

    double abar = 0.9 * 0.8 * 0.7;
    double abarPrev = 0.9;
    double alpha = abar / abarPrev;
    double beta = 1 - alpha;
    double x0 = (0.8 - Math.sqrt(1 - abar) * 1.0) / Math.sqrt(abar);
    double mean =
        Math.sqrt(abarPrev) * beta / (1 - abar) * x0
            + Math.sqrt(alpha) * (1 - abarPrev) / (1 - abar) * 0.8;
    // Variance value 1 selects the top of the learned range: sigma^2 = beta_t.
    GaussianNoise noise = new GaussianNoise(11);
    float z = new GaussianNoise(11).sample(manager, new Shape(1, 1, 4, 4)).toFloatArray()[0];
    double expectedStep = mean + Math.sqrt(beta) * z;

    Trajectory trajectory = new Trajectory(1);
    loop.denoise(x, 0, estimator, StepHook.NONE, noise, trajectory);
    float afterFirst = trajectory.frames().get(1).values()[0];
    assertEquals(expectedStep, afterFirst, 1e-5);
  }

  @Test
  void lastStepReturnsThePosteriorMeanWithoutNoise() {
    NoiseSchedule schedule = NoiseSchedule.linear(3, 0.1, 0.3);
    DdpmScheduler scheduler = new DdpmScheduler(schedule);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0f, 1f, schedule);
    IterativeDenoiser loop = new IterativeDenoiser(scheduler, new int[] {2, 0});
    NDArray x = manager.full(new Shape(1, 1, 4, 4), 0.3f);
    // From t = 0 to the end: x0 = (x - sqrt(1 - 0.9) eps) / sqrt(0.9) with eps = 1.
    NDArray out =
        loop.denoise(
            x,
            1,
            Conditioned.on(denoiser, "one", manager),
            StepHook.NONE,
            new GaussianNoise(1),
            null);
    double expected = (0.3 - Math.sqrt(0.1)) / Math.sqrt(0.9);
    assertEquals(expected, out.toFloatArray()[0], 1e-5);
  }

  @Test
  void iStartOutsideTheScheduleIsRejectedBeforeSampling() {
    IterativeDenoiser loop =
        new IterativeDenoiser(
            new DdpmScheduler(NoiseSchedule.squaredCosCapV2(1000)),
            NoiseSchedule.stridedTimesteps(990, 30));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loop.checkStart(34));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("i_start 34"));
    loop.checkStart(33);
  }

  @Test
  void anagramAveragesTheViewsEstimatesMappedBack() {
    LinearTestDenoiser denoiser =
        new LinearTestDenoiser(1f, 0.5f, NoiseSchedule.squaredCosCapV2(1000));
    NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);
    VisualAnagram anagram =
        new VisualAnagram(
            List.of(
                new VisualAnagram.Part(
                    Conditioned.on(denoiser, "one", manager), Views.byName("identity")),
                new VisualAnagram.Part(
                    Conditioned.on(denoiser, "two", manager), Views.byName("flip"))));
    // eps_1 = x + 1; flip^-1(eps_2(flip x)) = flip(flip(x) + 2) = x + 2; mean = x + 1.5.
    NDArray out = anagram.estimate(x, 100);
    assertArrayEquals(x.add(1.5f).toFloatArray(), out.get(":, 0:1").toFloatArray(), 1e-6f);
    assertEquals(0.5f, out.get(":, 1:2").mean().getFloat(), 1e-6f);
  }

  @Test
  void negatedViewInAnAnagramFlipsTheNoiseBack() {
    LinearTestDenoiser denoiser =
        new LinearTestDenoiser(1f, 0f, NoiseSchedule.squaredCosCapV2(1000));
    NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);
    VisualAnagram anagram =
        new VisualAnagram(
            List.of(
                new VisualAnagram.Part(
                    Conditioned.on(denoiser, "", manager), Views.byName("identity")),
                new VisualAnagram.Part(
                    Conditioned.on(denoiser, "two", manager), Views.byName("negate"))));
    // -( -x + 2) = x - 2; mean with x → x - 1.
    assertArrayEquals(
        x.sub(1f).toFloatArray(), anagram.estimate(x, 10).get(":, 0:1").toFloatArray(), 1e-6f);
  }

  @Test
  void samplingLoopLeavesNoArraysBehindPerStep() {
    NoiseSchedule schedule = NoiseSchedule.squaredCosCapV2(1000);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0.1f, 0f, schedule);
    IterativeDenoiser loop =
        new IterativeDenoiser(new DdpmScheduler(schedule), NoiseSchedule.stridedTimesteps(990, 30));
    try (NDManager scope = manager.newSubManager()) {
      NoiseEstimator estimator = Conditioned.on(denoiser, "one", scope);
      int before = scope.getManagedArrays().size();
      NDArray out = loop.sample(scope, 2, 1, 4, estimator, new GaussianNoise(3), null);
      // Only the result is new in the caller's manager.
      assertEquals(before + 1, scope.getManagedArrays().size());
      assertEquals(new Shape(2, 1, 4, 4), out.getShape());
    }
  }
}
