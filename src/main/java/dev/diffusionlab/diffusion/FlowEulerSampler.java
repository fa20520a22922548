package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * B2.3 flow-matching sampling: Euler integration of the predicted velocity from noise at t = 0 to
 * data at t = 1, {@code x <- x + v(x, t) / steps}.
 */
public record FlowEulerSampler(int steps) implements Sampler {
  public FlowEulerSampler {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be positive, got " + steps);
    }
  }

  @Override
  public NDArray sample(
      TimeConditionedModel model,
      NDManager manager,
      Shape shape,
      Random random,
      StepListener listener) {
    int n = (int) shape.get(0);
    NDArray x = GaussianNoise.normal(manager, random, shape);
    for (int i = 0; i < steps; i++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray time = x.getManager().full(new Shape(n, 1), (float) i / steps);
        NDArray next = x.add(model.predict(x, time).div((float) steps));
        NDScope.unregister(next);
        x.close();
        x = next;
        listener.afterStep(i + 1, x);
      }
    }
    return x;
  }
}
