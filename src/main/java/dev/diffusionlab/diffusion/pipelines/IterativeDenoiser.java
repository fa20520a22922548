package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.DdpmScheduler;
import java.util.Arrays;

/**
 * A1.4's loop: from x at {@code timesteps[iStart]}, apply the scheduler's reverse step with an
 * estimator's output down to the clean image. Every technique of part A runs through this loop;
 * they differ only in the {@link NoiseEstimator}, the starting x and the {@link StepHook}.
 *
 * <p>Each step's arrays live in an {@link NDScope} closed at the end of the step; only the new x
 * survives it.
 */
public final class IterativeDenoiser {
  private final DdpmScheduler scheduler;
  private final int[] timesteps;
  private final double thresholdRatio;
  private final double sampleMaxValue;

  /**
   * @param timesteps decreasing timesteps, e.g. [990, 960, ..., 0]
   * @param thresholdRatio dynamic thresholding quantile, or 0 to skip it
   * @param sampleMaxValue the largest threshold
   */
  public IterativeDenoiser(
      DdpmScheduler scheduler, int[] timesteps, double thresholdRatio, double sampleMaxValue) {
    for (int i = 1; i < timesteps.length; i++) {
      if (timesteps[i] >= timesteps[i - 1]) {
        throw new IllegalArgumentException(
            "timesteps must decrease, got " + Arrays.toString(timesteps));
      }
    }
    int last = scheduler.schedule().numTrainTimesteps() - 1;
    if (timesteps.length == 0 || timesteps[0] > last || timesteps[timesteps.length - 1] < 0) {
      throw new IllegalArgumentException("timesteps must lie in [0, " + last + "]");
    }
    this.scheduler = scheduler;
    this.timesteps = timesteps.clone();
    this.thresholdRatio = thresholdRatio;
    this.sampleMaxValue = sampleMaxValue;
  }

  /** Without dynamic thresholding. */
  public IterativeDenoiser(DdpmScheduler scheduler, int[] timesteps) {
    this(scheduler, timesteps, 0, 1);
  }

  public DdpmScheduler scheduler() {
    return scheduler;
  }

  /** A copy of the timesteps. */
  public int[] timesteps() {
    return timesteps.clone();
  }

  /** The timestep at index {@code i}, checked. */
  public int timestep(int i) {
    checkStart(i);
    return timesteps[i];
  }

  /**
   * @throws IllegalArgumentException if {@code iStart} is not an index of the timesteps
   */
  public void checkStart(int iStart) {
    if (iStart < 0 || iStart >= timesteps.length) {
      throw new IllegalArgumentException(
          "i_start "
              + iStart
              + " is outside the schedule's "
              + timesteps.length
              + " steps [0, "
              + (timesteps.length - 1)
              + "]");
    }
  }

  /**
   * Denoises from index {@code iStart}.
   *
   * @param x x at timesteps[iStart], shape [N, C, H, W]; the caller keeps ownership
   * @param trajectory receives snapshots, may be null
   * @return the clean image [N, C, H, W], attached to {@code x}'s manager
   */
  public NDArray denoise(
      NDArray x,
      int iStart,
      NoiseEstimator estimator,
      StepHook hook,
      GaussianNoise noise,
      Trajectory trajectory) {
    checkStart(iStart);
    NDManager manager = x.getManager();
    NDArray current = x;
    for (int i = iStart; i < timesteps.length; i++) {
      int t = timesteps[i];
      int prevT = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
      if (trajectory != null) {
        trajectory.offer(i - iStart, t, current, false);
      }
      NDArray next;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray output = estimator.estimate(current, t);
        NDArray z = noise.sample(manager, current.getShape());
        next = scheduler.step(output, t, prevT, current, z, thresholdRatio, sampleMaxValue);
        next = hook.afterStep(next, prevT, noise);
        next = next.duplicate();
        next.attach(manager);
        NDScope.unregister(next);
      }
      if (current != x) {
        current.close();
      }
      current = next;
    }
    if (trajectory != null) {
      trajectory.offer(Integer.MAX_VALUE, -1, current, true);
    }
    return current;
  }

  /** Pure noise at the first timestep, denoised all the way (A1.5). */
  public NDArray sample(
      NDManager manager,
      int n,
      int channels,
      int size,
      NoiseEstimator estimator,
      GaussianNoise noise,
      Trajectory trajectory) {
    try (NDManager start = manager.newSubManager()) {
      NDArray x = noise.sample(start, new Shape(n, channels, size, size));
      NDArray result = denoise(x, 0, estimator, StepHook.NONE, noise, trajectory);
      result.attach(manager);
      return result;
    }
  }

  /** An array of n copies of t. */
  static int[] fill(int n, int t) {
    int[] out = new int[n];
    Arrays.fill(out, t);
    return out;
  }
}
