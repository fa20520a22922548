package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import dev.diffusionlab.tensor.Noise;

/** Changes x after each reverse step, e.g. RePaint's projection onto the known pixels (A1.7.2). */
@FunctionalInterface
public interface StepHook {
  /** No change. */
  StepHook NONE = (x, t, noise) -> x;

  /**
   * @param x x_t' just computed, shape [N, C, H, W]
   * @param t its timestep t' (-1 for the finished image)
   * @param noise noise for any re-noising this hook does
   * @return the x the loop continues from
   */
  NDArray afterStep(NDArray x, int t, Noise noise);
}
