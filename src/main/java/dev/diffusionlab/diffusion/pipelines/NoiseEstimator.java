package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;

/**
 * What a sampling technique changes: the model output used at one reverse step. Plain conditioning,
 * classifier-free guidance, visual anagrams and hybrid images are all estimators over a {@link
 * dev.diffusionlab.diffusion.Denoiser}; the loop and the scheduler stay the same.
 */
@FunctionalInterface
public interface NoiseEstimator {

  /**
   * @param noisy x_t, shape [N, C, H, W]
   * @param t the timestep of x_t
   * @return shape [N, 2C, H, W]: noise estimate, then learned-range variance values
   */
  NDArray estimate(NDArray noisy, int t);
}
