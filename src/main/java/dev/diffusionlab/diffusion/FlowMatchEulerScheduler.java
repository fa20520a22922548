package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;

/**
 * Flow matching (B2): {@code x_s = (1 - s) eps + s x0} from noise at s = 0 to data at s = 1; the
 * network predicts the velocity {@code x0 - eps}, and sampling integrates it with Euler steps
 * {@code x <- x + v(x, s) / steps} at s = i / steps for i = 0..steps-1.
 */
public final class FlowMatchEulerScheduler implements Scheduler {
  private final int steps;

  public FlowMatchEulerScheduler(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be positive, got " + steps);
    }
    this.steps = steps;
  }

  /** Timestep i is the i-th Euler step, at flow time i / steps. */
  @Override
  public int[] timesteps() {
    int[] t = new int[steps];
    for (int i = 0; i < steps; i++) {
      t[i] = i;
    }
    return t;
  }

  @Override
  public float time(int t) {
    return (float) t / steps;
  }

  @Override
  public NDArray addNoise(NDArray x0, NDArray eps, int[] t) {
    int n = t.length;
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = time(t[i]);
    }
    NDArray column = x0.getManager().create(s, new Shape(n, 1, 1, 1));
    return eps.mul(column.neg().add(1)).add(x0.mul(column));
  }

  /** {@code x + v / steps}; draws no noise. */
  @Override
  public NDArray step(NDArray modelOutput, int i, NDArray x, Noise noise) {
    return x.add(modelOutput.div((float) steps));
  }
}
