package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.diffusion.Denoiser;

/** The denoiser's output for one prompt, the same prompt for every image of the batch. */
public final class Conditioned implements NoiseEstimator {
  private final Denoiser denoiser;
  private final NDArray embedding;

  /**
   * @param embedding one prompt's embedding [L, E], owned by the caller for this estimator's life
   */
  public Conditioned(Denoiser denoiser, NDArray embedding) {
    this.denoiser = denoiser;
    this.embedding = embedding;
  }

  /**
   * The estimator for {@code prompt}, its embedding kept on {@code manager}.
   *
   * @throws IllegalArgumentException if the denoiser does not know the prompt
   */
  public static Conditioned on(Denoiser denoiser, String prompt, NDManager manager) {
    return new Conditioned(denoiser, denoiser.prompts().embed(prompt, manager));
  }

  /** The batch of embeddings [n, L, E] for n images. */
  NDArray batch(int n) {
    return embedding.expandDims(0).repeat(0, n);
  }

  Denoiser denoiser() {
    return denoiser;
  }

  @Override
  public NDArray estimate(NDArray noisy, int t) {
    int n = (int) noisy.getShape().get(0);
    return denoiser.predict(noisy, fill(n, t), batch(n));
  }

  /** An array of n copies of t. */
  static int[] fill(int n, int t) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, t);
    return out;
  }
}
