package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * B2.3 DDPM ancestral sampling from t = T-1 down to 0 with a noise-predicting network: {@code
 * x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)}, clipped to the data range [0, 1], then
 * {@code x_{t-1} = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0_hat + sqrt(alpha_t) (1 - abar_{t-1}) /
 * (1 - abar_t) x_t + sqrt(beta_t) z}, with no noise at the last step.
 */
public record DdpmAncestralSampler(NoiseSchedule schedule) implements Sampler {

  @Override
  public int steps() {
    return schedule.numTrainTimesteps();
  }

  @Override
  public NDArray sample(
      TimeConditionedModel model,
      NDManager manager,
      Shape shape,
      Random random,
      StepListener listener) {
    int n = (int) shape.get(0);
    int steps = steps();
    NDArray x = GaussianNoise.normal(manager, random, shape);
    for (int t = steps - 1; t >= 0; t--) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray next = step(model, x, t, n, random);
        NDScope.unregister(next);
        x.close();
        x = next;
        listener.afterStep(steps - t, x);
      }
    }
    return x;
  }

  private NDArray step(TimeConditionedModel model, NDArray x, int t, int n, Random random) {
    NDManager m = x.getManager();
    float abar = schedule.alphaCumprod(t);
    float abarPrev = t > 0 ? schedule.alphaCumprod(t - 1) : 1f;
    float beta = schedule.beta(t);
    float alpha = 1 - beta;
    NDArray time = m.full(new Shape(n, 1), (float) t / steps());
    NDArray eps = model.predict(x, time);
    NDArray x0 =
        x.sub(eps.mul((float) Math.sqrt(1 - abar))).div((float) Math.sqrt(abar)).clip(0f, 1f);
    NDArray mean =
        x0.mul((float) (Math.sqrt(abarPrev) * beta / (1 - abar)))
            .add(x.mul((float) (Math.sqrt(alpha) * (1 - abarPrev) / (1 - abar))));
    if (t == 0) {
      return mean;
    }
    NDArray z = GaussianNoise.normal(m, random, x.getShape());
    return mean.add(z.mul((float) Math.sqrt(beta)));
  }
}
