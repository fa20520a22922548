package dev.diffusionlab.diffusion.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.ClassConditionedModel;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.FlowMatchEulerScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.TimeConditionedModel;
import dev.diffusionlab.tensor.Noise;
import org.junit.jupiter.api.Test;

/**
 * With the exact prediction for a data set of one image x*, the loop must land on x* with either
 * scheduler: the optimal noise prediction is {@code (x_t - sqrt(abar_t) x*) / sqrt(1 - abar_t)},
 * the optimal velocity {@code (x* - x_t) / (1 - t)}.
 */
class PartBSamplingTest {
  private static final Shape SHAPE = new Shape(3, 1, 4, 4);
  private static final float TARGET = 0.7f;

  @Test
  void ddpmAncestralSamplingWithTheExactNoiseReachesTheDataPoint() {
    NoiseSchedule schedule = NoiseSchedule.linear(300, 1e-4, 0.02);
    DenoisingLoop loop = new DenoisingLoop(DdpmScheduler.course(schedule));
    try (NDManager m = NDManager.newBaseManager()) {
      TimeConditionedModel oracle =
          (x, time) -> {
            int t = Math.round(time.getFloat(0, 0) * 300);
            float abar = schedule.alphaCumprod(t);
            return x.sub((float) Math.sqrt(abar) * TARGET).div((float) Math.sqrt(1 - abar));
          };
      int[] observed = new int[1];
      NDArray x =
          loop.sample(
              m,
              SHAPE,
              NoiseEstimator.timeConditioned(oracle, loop.scheduler()),
              Noise.seeded(1),
              (done, t, current) -> observed[0]++);
      assertEquals(301, observed[0], "the start and each of the 300 steps");
      assertEquals(TARGET, x.mean().getFloat(), 1e-3f);
      assertEquals(TARGET, x.max().getFloat(), 1e-2f);
      assertEquals(TARGET, x.min().getFloat(), 1e-2f);
    }
  }

  @Test
  void flowEulerSamplingWithTheExactVelocityReachesTheDataPoint() {
    DenoisingLoop loop = new DenoisingLoop(new FlowMatchEulerScheduler(50));
    try (NDManager m = NDManager.newBaseManager()) {
      TimeConditionedModel oracle =
          (x, time) -> x.neg().add(TARGET).div(time.neg().add(1).reshape(-1, 1, 1, 1));
      NDArray x =
          loop.sample(
              m,
              SHAPE,
              NoiseEstimator.timeConditioned(oracle, loop.scheduler()),
              Noise.seeded(1),
              DenoisingLoop.Observer.NONE);
      assertEquals(TARGET, x.max().getFloat(), 1e-4f);
      assertEquals(TARGET, x.min().getFloat(), 1e-4f);
    }
  }

  @Test
  void classGuidanceExtrapolatesFromTheUnconditionalTowardsTheConditionalPrediction() {
    try (NDManager m = NDManager.newBaseManager()) {
      // The prediction is the sum of the one-hot row plus the time input: 1 + s conditional, s
      // unconditional; guided 5: s + 5 (1 + s - s) = s + 5 with s = 7 / 10.
      ClassConditionedModel model =
          (x, t, c) ->
              c.sum(new int[] {1}).reshape(-1, 1, 1, 1).add(t.reshape(-1, 1, 1, 1)).add(x.mul(0));
      NDArray oneHot = m.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
      ClassifierFreeGuidance guided =
          ClassifierFreeGuidance.classes(model, oneHot, new FlowMatchEulerScheduler(10), 5.0);
      NDArray out = guided.estimate(m.zeros(new Shape(2, 1, 2, 2)), 7);
      assertEquals(new Shape(2, 1, 2, 2), out.getShape());
      assertEquals(5.7f, out.max().getFloat(), 1e-6f);
      assertEquals(5.7f, out.min().getFloat(), 1e-6f);
    }
  }
}
