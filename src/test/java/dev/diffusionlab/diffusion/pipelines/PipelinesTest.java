package dev.diffusionlab.diffusion.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.tensor.GaussianLowPass;
import dev.diffusionlab.tensor.Noise;
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
    NDArray guided = ClassifierFreeGuidance.combine(cond, uncond, 7, 1);
    assertArrayEquals(new float[] {15f, 0.2f}, guided.toFloatArray(), 1e-6f);
  }

  @Test
  void guidanceRunsBothPromptsThroughTheDenoiser() {
    LinearTestDenoiser denoiser =
        new LinearTestDenoiser(0.5f, 0f, NoiseSchedule.squaredCosCapV2(1000));
    ClassifierFreeGuidance cfg =
        ClassifierFreeGuidance.prompts(
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
    DdpmScheduler scheduler = learned(schedule, 999, 0);
    NDArray original = manager.full(new Shape(1, 1, 2, 2), 0.5f);
    NDArray mask = manager.zeros(new Shape(1, 1, 2, 2));
    RePaint hook = new RePaint(scheduler, original, mask);
    NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
    NDArray z = Noise.seeded(5).normal(manager, new Shape(1, 1, 2, 2));
    float abar = schedule.alphaCumprod(600);
    float[] expected =
        original
            .mul((float) Math.sqrt(abar))
            .add(z.mul((float) Math.sqrt(1 - abar)))
            .toFloatArray();
    assertArrayEquals(expected, hook.afterStep(x, 600, Noise.seeded(5)).toFloatArray(), 1e-6f);
    assertArrayEquals(
        original.toFloatArray(), hook.afterStep(x, -1, Noise.seeded(5)).toFloatArray(), 0f);
  }

  @Test
  void oneReverseStepMatchesTheFormulaComputedByHand() {
    // Linear betas 0.1, 0.2, 0.3: abar = 0.9, 0.72, 0.504. Step t = 2 → t' = 0 (stride 2).
    NoiseSchedule schedule = NoiseSchedule.linear(3, 0.1, 0.3);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0f, 1f, schedule);
    NoiseEstimator estimator = Conditioned.on(denoiser, "one", manager);
    DenoisingLoop loop = new DenoisingLoop(learned(schedule, 2, 0));
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
    Noise noise = Noise.seeded(11);
    float z = Noise.seeded(11).normal(1)[0];
    double expectedStep = mean + Math.sqrt(beta) * z;

    Trajectory trajectory = new Trajectory(1);
    loop.denoise(x, 0, estimator, StepHook.NONE, noise, trajectory);
    float afterFirst = trajectory.frames().get(1).values()[0];
    assertEquals(expectedStep, afterFirst, 1e-5);
  }

  @Test
  void lastStepReturnsThePosteriorMeanWithoutNoise() {
    NoiseSchedule schedule = NoiseSchedule.linear(3, 0.1, 0.3);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0f, 1f, schedule);
    DenoisingLoop loop = new DenoisingLoop(learned(schedule, 2, 0));
    NDArray x = manager.full(new Shape(1, 1, 4, 4), 0.3f);
    // From t = 0 to the end: x0 = (x - sqrt(1 - 0.9) eps) / sqrt(0.9) with eps = 1.
    NDArray out =
        loop.denoise(
            x,
            1,
            Conditioned.on(denoiser, "one", manager),
            StepHook.NONE,
            Noise.seeded(1),
            DenoisingLoop.Observer.NONE);
    double expected = (0.3 - Math.sqrt(0.1)) / Math.sqrt(0.9);
    assertEquals(expected, out.toFloatArray()[0], 1e-5);
  }

  @Test
  void iStartOutsideTheScheduleIsRejectedBeforeSampling() {
    DenoisingLoop loop =
        new DenoisingLoop(
            learned(NoiseSchedule.squaredCosCapV2(1000), NoiseSchedule.stridedTimesteps(990, 30)));
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
    DenoisingLoop loop =
        new DenoisingLoop(learned(schedule, NoiseSchedule.stridedTimesteps(990, 30)));
    try (NDManager scope = manager.newSubManager()) {
      NoiseEstimator estimator = Conditioned.on(denoiser, "one", scope);
      int before = scope.getManagedArrays().size();
      NDArray out =
          loop.sample(
              scope,
              new Shape(2, 1, 4, 4),
              estimator,
              Noise.seeded(3),
              DenoisingLoop.Observer.NONE);
      // Only the result is new in the caller's manager.
      assertEquals(before + 1, scope.getManagedArrays().size());
      assertEquals(new Shape(2, 1, 4, 4), out.getShape());
    }
  }

  @Test
  void guidanceOfAModelWithoutVarianceChannelsGuidesAllOfThem() {
    // C = 1, no variance: eps_c = 3, eps_u = 1, gamma 2 → 1 + 2 * 2 = 5.
    NDArray cond = manager.create(new float[] {3f}, new Shape(1, 1, 1, 1));
    NDArray uncond = manager.create(new float[] {1f}, new Shape(1, 1, 1, 1));
    assertArrayEquals(
        new float[] {5f}, ClassifierFreeGuidance.combine(cond, uncond, 2, 1).toFloatArray(), 0f);
    // C = 2 with variance channels: (eps_c, v_c) = (2, 4, 0.1, 0.3), (eps_u, v_u) = (0, 1, 9, 9).
    NDArray c2 = manager.create(new float[] {2f, 4f, 0.1f, 0.3f}, new Shape(1, 4, 1, 1));
    NDArray u2 = manager.create(new float[] {0f, 1f, 9f, 9f}, new Shape(1, 4, 1, 1));
    assertArrayEquals(
        new float[] {6f, 10f, 0.1f, 0.3f},
        ClassifierFreeGuidance.combine(c2, u2, 3, 2).toFloatArray(),
        1e-6f);
  }

  @Test
  void observerSeesTheStartEveryStepAndTheFinishedImage() {
    NoiseSchedule schedule = NoiseSchedule.squaredCosCapV2(1000);
    LinearTestDenoiser denoiser = new LinearTestDenoiser(0.1f, 0f, schedule);
    DenoisingLoop loop = new DenoisingLoop(learned(schedule, 990, 500, 10, 0));
    List<String> seen = new java.util.ArrayList<>();
    loop.denoise(
        manager.zeros(new Shape(1, 1, 2, 2)),
        1,
        Conditioned.on(denoiser, "one", manager),
        StepHook.NONE,
        Noise.seeded(2),
        (done, t, x) -> seen.add(done + "@" + t));
    assertEquals(List.of("0@500", "1@10", "2@0", "3@-1"), seen);
    Trajectory every2 = new Trajectory(2);
    loop.denoise(
        manager.zeros(new Shape(1, 1, 2, 2)),
        1,
        Conditioned.on(denoiser, "one", manager),
        StepHook.NONE,
        Noise.seeded(2),
        every2);
    assertEquals(List.of(500, 0, -1), every2.frames().stream().map(Trajectory.Frame::t).toList());
  }

  private static DdpmScheduler learned(NoiseSchedule schedule, int... timesteps) {
    return new DdpmScheduler(
        schedule,
        timesteps,
        DdpmScheduler.Variance.LEARNED_RANGE,
        new DdpmScheduler.X0.Clip(-1f, 1f));
  }

  @Test
  void hybridTakesLowFrequenciesOfTheFirstAndHighOfTheSecond() {
    GaussianLowPass filter = GaussianLowPass.forImageSize(28);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray far = manager.full(new Shape(1, 1, 28, 28), 0.5f);
      NDArray near = Noise.seeded(2).normal(manager, new Shape(1, 1, 28, 28));
      NDArray expected = far.add(near.sub(filter.lowPass(near)));
      assertArrayEquals(
          expected.toFloatArray(), HybridImage.combine(far, near, filter).toFloatArray(), 1e-5f);
    }
  }
}
