package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** A loop that turns noise into samples with a trained network (B2.3, B2.6). */
public interface Sampler {

  /** Receives the current image after each step, e.g. for an animation. */
  @FunctionalInterface
  interface StepListener {
    /** {@code step} counts from 1 to {@link #steps()}; {@code x} is closed after the call. */
    void afterStep(int step, NDArray x);
  }

  /** How many network evaluations one sample takes. */
  int steps();

  /**
   * Draws samples. Each step's arrays are closed when the step ends; the result belongs to {@code
   * manager}.
   *
   * @param shape [N, 1, H, W]
   */
  NDArray sample(
      TimeConditionedModel model,
      NDManager manager,
      Shape shape,
      Random random,
      StepListener listener);
}
