package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.Scheduler;
import dev.diffusionlab.diffusion.TimeConditionedModel;

/**
 * What a sampling technique changes: the model output used at one reverse step. Plain conditioning,
 * classifier-free guidance, visual anagrams and hybrid images are all estimators over a {@link
 * dev.diffusionlab.diffusion.Denoiser} or a part B network; the loop and the scheduler stay the
 * same.
 */
@FunctionalInterface
public interface NoiseEstimator {

  /**
   * @param noisy x_t, shape [N, C, H, W]
   * @param t the timestep of x_t
   * @return the model output, shape [N, C, H, W] (noise or velocity), or [N, 2C, H, W] for a model
   *     that also predicts learned-range variance values
   */
  NDArray estimate(NDArray noisy, int t);

  /** A part B network that takes the scheduler's time input t / T as [N, 1]. */
  static NoiseEstimator timeConditioned(TimeConditionedModel model, Scheduler scheduler) {
    return (x, t) ->
        model.predict(x, x.getManager().full(new Shape(x.getShape().get(0), 1), scheduler.time(t)));
  }
}
