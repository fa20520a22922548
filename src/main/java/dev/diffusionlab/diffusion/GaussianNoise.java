package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Standard normal and uniform tensors drawn from a {@link Random}, so training and sampling repeat
 * exactly from a seed whatever the engine's own generator did before.
 */
public final class GaussianNoise {
  private GaussianNoise() {}

  /** N(0, I) of the given shape. */
  public static NDArray normal(NDManager manager, Random random, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return manager.create(values, shape);
  }

  /** U[0, 1) of the given shape. */
  public static NDArray uniform(NDManager manager, Random random, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return manager.create(values, shape);
  }
}
