package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import dev.diffusionlab.tensor.Noise;

/**
 * The numbers of a diffusion process and its reverse step, as diffusers' schedulers hold them: the
 * sampling timesteps, the forward process that noises clean data, and one step from x at {@code
 * timesteps()[i]} to the next timestep given the network's output there.
 */
public interface Scheduler {

  /** The timesteps a sampling loop visits, in order (a copy). */
  int[] timesteps();

  /**
   * The network's time input for timestep t as part B's networks take it, a float in [0, 1]: t / T
   * for DDPM, the flow time for flow matching.
   */
  float time(int t);

  /**
   * The forward process: x0 [N, C, H, W] noised with eps (its shape) to the timesteps t, one per
   * batch item.
   */
  NDArray addNoise(NDArray x0, NDArray eps, int[] t);

  /**
   * One reverse step from x at {@code timesteps()[i]} to the next timestep (the clean image after
   * the last).
   *
   * @param modelOutput the network's output for x there: [N, C, H, W], or [N, 2C, H, W] for a model
   *     that also predicts a variance
   * @param noise draws the step's fresh noise, if the step has any
   * @return x at the next timestep, shape [N, C, H, W]
   */
  NDArray step(NDArray modelOutput, int i, NDArray x, Noise noise);
}
