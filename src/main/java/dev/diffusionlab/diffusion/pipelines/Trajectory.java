package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots of x during a sampling loop, copied to the Java heap so no NDArray outlives its step.
 * Used for A1.4's "every 5th step" figure and for the sampling GIFs.
 */
public final class Trajectory implements DenoisingLoop.Observer {
  /** One snapshot: x_t with shape [N, C, H, W] as floats. */
  public record Frame(int t, float[] values, Shape shape) {}

  private final int every;
  private final List<Frame> frames = new ArrayList<>();

  /**
   * Records x before the first step, after every {@code every}-th step (counted from the first step
   * of the loop) and the finished image.
   */
  public Trajectory(int every) {
    if (every <= 0) {
      throw new IllegalArgumentException("every must be positive, got " + every);
    }
    this.every = every;
  }

  @Override
  public void observe(int done, int t, NDArray x) {
    if (done % every == 0 || t < 0) {
      frames.add(new Frame(t, x.toType(DataType.FLOAT32, false).toFloatArray(), x.getShape()));
    }
  }

  /** The snapshots in loop order. */
  public List<Frame> frames() {
    return List.copyOf(frames);
  }
}
