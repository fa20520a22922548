package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.tensor.Noise;

/**
 * A1.7.2 inpainting: after every step {@code x_t = m x_t + (1 - m) forward(x_orig, t)}, so only
 * where the mask m is 1 does the model invent new content; the rest follows the original image
 * noised to the current timestep (exactly the original at the end).
 */
public final class RePaint implements StepHook {
  private final DdpmScheduler scheduler;
  private final NDArray original;
  private final NDArray mask;

  /**
   * @param original x_orig, shape [N, C, H, W], values in [-1, 1]
   * @param mask 1 where to generate, 0 where to keep, broadcastable to the original
   */
  public RePaint(DdpmScheduler scheduler, NDArray original, NDArray mask) {
    this.scheduler = scheduler;
    this.original = original;
    this.mask = mask;
  }

  @Override
  public NDArray afterStep(NDArray x, int t, Noise noise) {
    NDArray known =
        t < 0
            ? original
            : scheduler.addNoise(original, noise.normal(x.getManager(), original.getShape()), t);
    return project(x, known, mask);
  }

  /** {@code m x + (1 - m) known}. */
  public static NDArray project(NDArray x, NDArray known, NDArray mask) {
    return x.mul(mask).add(known.mul(mask.neg().add(1f)));
  }
}
