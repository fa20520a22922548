package dev.diffusionlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With the exact prediction for a data set of one image x*, every sampler must land on x*: the
 * optimal noise prediction is {@code (x_t - sqrt(abar_t) x*) / sqrt(1 - abar_t)}, the optimal
 * velocity {@code (x* - x_t) / (1 - t)}.
 */
class PartBSamplersTest {
  private static final Shape SHAPE = new Shape(3, 1, 4, 4);
  private static final float TARGET = 0.7f;

  @Test
  void ddpmAncestralSamplingWithTheExactNoiseReachesTheDataPoint() {
    NoiseSchedule schedule = NoiseSchedule.linear(300, 1e-4, 0.02);
    try (NDManager m = NDManager.newBaseManager()) {
      TimeConditionedModel oracle =
          (x, time) -> {
            int t = Math.round(time.getFloat(0, 0) * 300);
            float abar = schedule.alphaCumprod(t);
            return x.sub((float) Math.sqrt(abar) * TARGET).div((float) Math.sqrt(1 - abar));
          };
      NDArray x =
          new DdpmAncestralSampler(schedule).sample(oracle, m, SHAPE, new Random(1), (s, a) -> {});
      assertEquals(TARGET, x.mean().getFloat(), 1e-3f);
      assertEquals(TARGET, x.max().getFloat(), 1e-2f);
      assertEquals(TARGET, x.min().getFloat(), 1e-2f);
    }
  }

  @Test
  void flowEulerSamplingWithTheExactVelocityReachesTheDataPoint() {
    try (NDManager m = NDManager.newBaseManager()) {
      TimeConditionedModel oracle =
          (x, time) -> x.neg().add(TARGET).div(time.neg().add(1).reshape(-1, 1, 1, 1));
      NDArray x = new FlowEulerSampler(50).sample(oracle, m, SHAPE, new Random(1), (s, a) -> {});
      assertEquals(TARGET, x.max().getFloat(), 1e-4f);
      assertEquals(TARGET, x.min().getFloat(), 1e-4f);
    }
  }

  @Test
  void guidanceExtrapolatesFromTheUnconditionalTowardsTheConditionalPrediction() {
    try (NDManager m = NDManager.newBaseManager()) {
      ClassConditionedModel model =
          (x, t, c) -> c.sum(new int[] {1}).reshape(-1, 1, 1, 1).add(x.mul(0));
      NDArray oneHot = m.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
      NDArray out =
          ClassifierFreeGuidance.guide(model, oneHot, 5.0)
              .predict(m.zeros(new Shape(2, 1, 2, 2)), m.zeros(new Shape(2, 1)));
      // conditional 1, unconditional 0: 0 + 5 (1 - 0) = 5
      assertEquals(5f, out.max().getFloat(), 1e-6f);
      assertEquals(5f, out.min().getFloat(), 1e-6f);
    }
  }
}
