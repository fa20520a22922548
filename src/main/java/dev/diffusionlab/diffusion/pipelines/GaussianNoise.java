package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Standard normal noise from a seeded Java generator, so that a seed gives the same samples on
 * every machine and engine regardless of what else drew random numbers.
 */
public final class GaussianNoise {
  private final SplittableRandom random;

  public GaussianNoise(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Noise of the given shape on {@code manager}. */
  public NDArray sample(NDManager manager, Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i += 2) {
      // Box–Muller gives two independent draws per pair of uniforms.
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      double radius = Math.sqrt(-2 * Math.log(u1));
      values[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
      if (i + 1 < values.length) {
        values[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
      }
    }
    return manager.create(values, shape);
  }
}
