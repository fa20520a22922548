package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A1.6 classifier-free guidance: {@code eps = eps_u + gamma (eps_c - eps_u)}, with the conditional
 * and unconditional passes run as one batch of 2N. The variance is the conditional one, as
 * DeepFloyd IF's pipeline does.
 */
public final class ClassifierFreeGuidance implements NoiseEstimator {
  private final Conditioned conditional;
  private final Conditioned unconditional;
  private final double gamma;

  public ClassifierFreeGuidance(Conditioned conditional, Conditioned unconditional, double gamma) {
    if (conditional.denoiser() != unconditional.denoiser()) {
      throw new IllegalArgumentException("both prompts must be embedded for the same denoiser");
    }
    this.conditional = conditional;
    this.unconditional = unconditional;
    this.gamma = gamma;
  }

  @Override
  public NDArray estimate(NDArray noisy, int t) {
    int n = (int) noisy.getShape().get(0);
    NDArray inputs = noisy.concat(noisy, 0);
    NDArray embeds = conditional.batch(n).concat(unconditional.batch(n), 0);
    NDArray output =
        conditional.denoiser().predict(inputs, IterativeDenoiser.fill(2 * n, t), embeds);
    NDList halves = output.split(2, 0);
    return combine(halves.get(0), halves.get(1), gamma);
  }

  /**
   * The guided output from the conditional and unconditional outputs [N, 2C, H, W].
   *
   * @return [N, 2C, H, W]: {@code eps_u + gamma (eps_c - eps_u)}, then the conditional variance
   */
  public static NDArray combine(NDArray conditional, NDArray unconditional, double gamma) {
    long channels = conditional.getShape().get(1) / 2;
    NDList c = conditional.split(new long[] {channels}, 1);
    NDList u = unconditional.split(new long[] {channels}, 1);
    NDArray eps = u.get(0).add(c.get(0).sub(u.get(0)).mul((float) gamma));
    return eps.concat(c.get(1), 1);
  }
}
