package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.ClassConditionedModel;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.Scheduler;

/**
 * Classifier-free guidance (A1.6, B2.5): {@code eps = eps_u + gamma (eps_c - eps_u)} on the first C
 * channels, with the conditional and unconditional passes run as one batch of 2N. A model that also
 * predicts a variance (IF's channels C..2C) keeps the conditional variance, as DeepFloyd IF's
 * pipeline does.
 */
public final class ClassifierFreeGuidance implements NoiseEstimator {

  /** Both predictions for a batch of 2N images: the first N conditional, the last N not. */
  @FunctionalInterface
  public interface Paired {
    NDArray predict(NDArray doubled, int t);
  }

  private final Paired model;
  private final double gamma;

  /**
   * @param gamma the guidance scale (1 is plain conditional sampling)
   */
  public ClassifierFreeGuidance(Paired model, double gamma) {
    this.model = model;
    this.gamma = gamma;
  }

  /**
   * Part A: the prompt's estimator, guided against the empty prompt when gamma != 1 (A1.6), its
   * embeddings kept on {@code manager}.
   */
  public static NoiseEstimator forPrompt(
      Denoiser denoiser, String prompt, double gamma, NDManager manager) {
    Conditioned conditional = Conditioned.on(denoiser, prompt, manager);
    if (gamma == 1.0) {
      return conditional;
    }
    return prompts(conditional, Conditioned.on(denoiser, "", manager), gamma);
  }

  /** Part A: a prompt against the empty prompt of the same denoiser. */
  public static ClassifierFreeGuidance prompts(
      Conditioned conditional, Conditioned unconditional, double gamma) {
    if (conditional.denoiser() != unconditional.denoiser()) {
      throw new IllegalArgumentException("both prompts must be embedded for the same denoiser");
    }
    return new ClassifierFreeGuidance(
        (doubled, t) -> {
          int n = (int) doubled.getShape().get(0) / 2;
          NDArray embeds = conditional.batch(n).concat(unconditional.batch(n), 0);
          return conditional.denoiser().predict(doubled, Conditioned.fill(2 * n, t), embeds);
        },
        gamma);
  }

  /**
   * Part B: a class-conditioned network for fixed classes against the all-zero "no class" vector,
   * with the scheduler's time input.
   *
   * @param oneHot [N, K] the intended classes, owned by the caller for this estimator's life
   */
  public static ClassifierFreeGuidance classes(
      ClassConditionedModel model, NDArray oneHot, Scheduler scheduler, double gamma) {
    return new ClassifierFreeGuidance(
        (doubled, t) -> {
          NDManager m = doubled.getManager();
          NDArray time = m.full(new Shape(doubled.getShape().get(0), 1), scheduler.time(t));
          NDArray classes = oneHot.concat(m.zeros(oneHot.getShape()), 0);
          return model.predict(doubled, time, classes);
        },
        gamma);
  }

  @Override
  public NDArray estimate(NDArray noisy, int t) {
    long n = noisy.getShape().get(0);
    NDList halves = model.predict(noisy.concat(noisy, 0), t).split(new long[] {n}, 0);
    return combine(halves.get(0), halves.get(1), gamma, noisy.getShape().get(1));
  }

  /**
   * The guided output from the conditional and unconditional outputs [N, C, H, W] or [N, 2C, H, W].
   *
   * @param channels C, the image channels
   * @return {@code eps_u + gamma (eps_c - eps_u)}, then the conditional variance if there is one
   */
  public static NDArray combine(
      NDArray conditional, NDArray unconditional, double gamma, long channels) {
    if (conditional.getShape().get(1) == channels) {
      return unconditional.add(conditional.sub(unconditional).mul((float) gamma));
    }
    NDList c = conditional.split(new long[] {channels}, 1);
    NDList u = unconditional.split(new long[] {channels}, 1);
    NDArray eps = u.get(0).add(c.get(0).sub(u.get(0)).mul((float) gamma));
    return eps.concat(c.get(1), 1);
  }
}
