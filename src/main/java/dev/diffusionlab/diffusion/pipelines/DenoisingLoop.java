package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.Scheduler;
import dev.diffusionlab.tensor.Noise;
import java.util.Optional;

/**
 * The one sampling loop of parts A and B: from x at {@code timesteps[iStart]}, each step asks a
 * {@link NoiseEstimator} for the model output and lets the {@link Scheduler} take the reverse step,
 * down to the clean image. Sampling (A1.5, B2.3), iterative denoising (A1.4), SDEdit, inpainting,
 * anagrams and hybrids differ only in the estimator, the starting x and the {@link StepHook}.
 *
 * <p>Each step's arrays live in an {@link NDScope} closed at the end of the step; only the new x
 * survives it.
 */
public final class DenoisingLoop {

  /** Sees x before the first step and after every step, e.g. for an animation. */
  @FunctionalInterface
  public interface Observer {
    /** No observation. */
    Observer NONE = (done, t, x) -> {};

    /**
     * @param done steps taken so far, 0 before the first
     * @param t the timestep of x, -1 for the finished image
     * @param x the current image [N, C, H, W], valid during the call only
     */
    void observe(int done, int t, NDArray x);
  }

  private final Scheduler scheduler;
  private final int[] timesteps;

  public DenoisingLoop(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.timesteps = scheduler.timesteps();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /** How many steps a full run takes (network evaluations per sample). */
  public int steps() {
    return timesteps.length;
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
    startProblem(iStart, timesteps.length)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
  }

  /**
   * Why {@code iStart} cannot start a loop over {@code steps} timesteps, if it cannot: the one rule
   * for i_start, which experiment types also check their params against before anything runs.
   */
  public static Optional<String> startProblem(int iStart, int steps) {
    if (iStart >= 0 && iStart < steps) {
      return Optional.empty();
    }
    return Optional.of(
        "i_start "
            + iStart
            + " is outside the schedule's "
            + steps
            + " steps [0, "
            + (steps - 1)
            + "]");
  }

  /**
   * Denoises from index {@code iStart}.
   *
   * @param x x at timesteps[iStart], shape [N, C, H, W]; the caller keeps ownership
   * @return the clean image [N, C, H, W], attached to {@code x}'s manager
   */
  public NDArray denoise(
      NDArray x,
      int iStart,
      NoiseEstimator estimator,
      StepHook hook,
      Noise noise,
      Observer observer) {
    checkStart(iStart);
    NDManager manager = x.getManager();
    NDArray current = x;
    observer.observe(0, timesteps[iStart], current);
    for (int i = iStart; i < timesteps.length; i++) {
      int t = timesteps[i];
      int next = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
      NDArray stepped;
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray output = estimator.estimate(current, t);
        stepped = hook.afterStep(scheduler.step(output, i, current, noise), next, noise);
        stepped = stepped.duplicate();
        stepped.attach(manager);
        NDScope.unregister(stepped);
      }
      if (current != x) {
        current.close();
      }
      current = stepped;
      observer.observe(i + 1 - iStart, next, current);
    }
    return current;
  }

  /** Pure noise at the first timestep, denoised all the way (A1.5, B2.3). */
  public NDArray sample(
      NDManager manager, Shape shape, NoiseEstimator estimator, Noise noise, Observer observer) {
    try (NDManager start = manager.newSubManager()) {
      NDArray x = noise.normal(start, shape);
      NDArray result = denoise(x, 0, estimator, StepHook.NONE, noise, observer);
      result.attach(manager);
      return result;
    }
  }
}
