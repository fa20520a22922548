package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A text-conditioned noise predictor in the style of DeepFloyd IF stage I: from noisy images, their
 * timesteps and prompt embeddings it predicts the noise and a learned-range variance.
 *
 * <p>Pipelines (sampling, SDEdit, inpainting, anagrams, hybrids) use only this interface, so every
 * technique runs on every backend.
 */
public interface Denoiser extends AutoCloseable {

  /**
   * Predicts noise and variance.
   *
   * @param noisy x_t, shape [N, C, H, W], values roughly in [-1, 1] at t = 0
   * @param timesteps integer timesteps in [0, T), one per batch item
   * @param promptEmbeds prompt embeddings, shape [N, L, E]
   * @return shape [N, 2C, H, W]: channels [0, C) the noise estimate, [C, 2C) the variance values in
   *     [-1, 1] of the learned range between posterior variance and beta_t (IF's "learned_range")
   */
  NDArray predict(NDArray noisy, int[] timesteps, NDArray promptEmbeds);

  /** Image channels C (3 for IF, 1 for the embedded MNIST model). */
  int channels();

  /** Image side H = W that the model was trained on. */
  int imageSize();

  /** The shape [n, C, H, W] of a batch of n images. */
  default Shape shape(int n) {
    return new Shape(n, channels(), imageSize(), imageSize());
  }

  /** The training noise schedule (abar_t for t in [0, T)). */
  NoiseSchedule schedule();

  /** The prompts this model knows and their embeddings, including the empty prompt "". */
  PromptEmbeddings prompts();

  @Override
  void close();
}
