package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;
import java.util.Arrays;

/**
 * DDPM over arbitrary, e.g. strided, decreasing timesteps, as diffusers' {@code DDPMScheduler}: the
 * forward process {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps} (A1.1, B2.2) and the
 * ancestral reverse step (A1.4, B2.3).
 *
 * <p>With {@code alpha_t = abar_t / abar_t'} and {@code beta_t = 1 - alpha_t} for the next timestep
 * t' < t: {@code x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)}, limited by the {@link X0}
 * rule, then {@code x_t' = sqrt(abar_t') beta_t / (1 - abar_t) x0_hat + sqrt(alpha_t) (1 - abar_t')
 * / (1 - abar_t) x_t + sigma z}, with no noise at the last step. The variance sigma^2 is either
 * {@link Variance#LEARNED_RANGE} (DeepFloyd IF) or {@link Variance#FIXED} beta_t (the course's
 * DDPM, whose single steps take beta_t from the schedule).
 */
public final class DdpmScheduler implements Scheduler {

  /** Where the step's variance comes from. */
  public enum Variance {
    /**
     * The model's extra C channels v in [-1, 1] interpolate the log-variance between the posterior
     * variance and beta_t (IF's {@code learned_range}).
     */
    LEARNED_RANGE,
    /** sigma^2 = beta_t; the model predicts only the noise. */
    FIXED
  }

  /** How the estimate of x0 is kept in the data range before the step. */
  public sealed interface X0 {
    /** Clip to [min, max]. */
    record Clip(float min, float max) implements X0 {}

    /**
     * Imagen's dynamic thresholding: per sample s = the {@code ratio} quantile of |x0| clamped to
     * [1, maxValue], then x0 = clamp(x0, -s, s) / s.
     */
    record DynamicThreshold(double ratio, double maxValue) implements X0 {}
  }

  private final NoiseSchedule schedule;
  private final int[] timesteps;
  private final Variance variance;
  private final X0 x0Rule;

  /**
   * @param timesteps decreasing timesteps in [0, T), e.g. [990, 960, ..., 0]
   */
  public DdpmScheduler(NoiseSchedule schedule, int[] timesteps, Variance variance, X0 x0Rule) {
    for (int i = 1; i < timesteps.length; i++) {
      if (timesteps[i] >= timesteps[i - 1]) {
        throw new IllegalArgumentException(
            "timesteps must decrease, got " + Arrays.toString(timesteps));
      }
    }
    int last = schedule.numTrainTimesteps() - 1;
    if (timesteps.length == 0 || timesteps[0] > last || timesteps[timesteps.length - 1] < 0) {
      throw new IllegalArgumentException("timesteps must lie in [0, " + last + "]");
    }
    this.schedule = schedule;
    this.timesteps = timesteps.clone();
    this.variance = variance;
    this.x0Rule = x0Rule;
  }

  /**
   * DeepFloyd IF stage I's scheduler: learned-range variance and dynamic thresholding at the 0.95
   * quantile, at most 1.5 (its scheduler config).
   */
  public static DdpmScheduler deepFloyd(NoiseSchedule schedule, int[] timesteps) {
    return new DdpmScheduler(
        schedule, timesteps, Variance.LEARNED_RANGE, new X0.DynamicThreshold(0.95, 1.5));
  }

  /**
   * The course's DDPM (B2.3) on data in [0, 1]: every timestep from T-1 down to 0, variance beta_t,
   * x0 clipped to [0, 1].
   */
  public static DdpmScheduler course(NoiseSchedule schedule) {
    int steps = schedule.numTrainTimesteps();
    return new DdpmScheduler(
        schedule,
        NoiseSchedule.stridedTimesteps(steps - 1, 1),
        Variance.FIXED,
        new X0.Clip(0f, 1f));
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  @Override
  public int[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public float time(int t) {
    return (float) t / schedule.numTrainTimesteps();
  }

  /** The timestep after {@code timesteps()[i]}: the next one, or -1 after the last. */
  public int previous(int i) {
    return i + 1 < timesteps.length ? timesteps[i + 1] : -1;
  }

  @Override
  public NDArray addNoise(NDArray x0, NDArray eps, int[] t) {
    int n = t.length;
    float[] signal = new float[n];
    float[] noiseScale = new float[n];
    for (int i = 0; i < n; i++) {
      signal[i] = (float) Math.sqrt(schedule.alphaCumprod(t[i]));
      noiseScale[i] = (float) Math.sqrt(1 - schedule.alphaCumprod(t[i]));
    }
    NDManager m = x0.getManager();
    Shape column = new Shape(n, 1, 1, 1);
    return x0.mul(m.create(signal, column)).add(eps.mul(m.create(noiseScale, column)));
  }

  /** The forward process with one timestep t for the whole batch. */
  public NDArray addNoise(NDArray x0, NDArray eps, int t) {
    int[] all = new int[(int) x0.getShape().get(0)];
    Arrays.fill(all, t);
    return addNoise(x0, eps, all);
  }

  /** One-step estimate of x0 from x_t and the predicted noise (A1.3). */
  public NDArray predictOriginal(NDArray noisy, NDArray noise, int t) {
    float abar = schedule.alphaCumprod(t);
    return noisy.sub(noise.mul((float) Math.sqrt(1 - abar))).div((float) Math.sqrt(abar));
  }

  /** The posterior variance {@code (1 - abar_t') / (1 - abar_t) beta_t} of the step t → t'. */
  public float posteriorVariance(int t, int prevT) {
    float abar = schedule.alphaCumprod(t);
    float abarPrev = schedule.alphaCumprod(prevT);
    return (1 - abarPrev) / (1 - abar) * (1 - abar / abarPrev);
  }

  /**
   * The log-variance of the step t → prevT interpolated in the learned range: {@code frac * log
   * beta_t + (1 - frac) * log(posterior variance)}, {@code frac = (v + 1) / 2}.
   *
   * @param predictedVariance the model's variance channels, values in [-1, 1]
   */
  public NDArray learnedLogVariance(NDArray predictedVariance, int t, int prevT) {
    float abar = schedule.alphaCumprod(t);
    float abarPrev = schedule.alphaCumprod(prevT);
    float currentBeta = 1 - abar / abarPrev;
    float posterior = Math.max(posteriorVariance(t, prevT), 1e-20f);
    float minLog = (float) Math.log(posterior);
    float maxLog = (float) Math.log(currentBeta);
    NDArray frac = predictedVariance.add(1f).div(2f);
    return frac.mul(maxLog).add(frac.neg().add(1f).mul(minLog));
  }

  @Override
  public NDArray step(NDArray modelOutput, int i, NDArray x, Noise noise) {
    int t = timesteps[i];
    int prevT = previous(i);
    NDArray mean = mean(modelOutput, t, prevT, x);
    if (prevT < 0 || t == 0) {
      return mean;
    }
    return mean.add(
        noiseTerm(modelOutput, t, prevT, x, noise.normal(x.getManager(), x.getShape())));
  }

  /**
   * One reverse step from timestep t to prevT with the given noise (prevT = -1 ends at the clean
   * image).
   *
   * @param modelOutput [N, C, H, W], or [N, 2C, H, W] (noise, variance) for learned-range variance
   * @param noisy x_t, shape [N, C, H, W]
   * @param z standard normal noise of x_t's shape, unused when prevT < 0
   * @return x_prevT, shape [N, C, H, W]
   */
  public NDArray step(NDArray modelOutput, int t, int prevT, NDArray noisy, NDArray z) {
    NDArray mean = mean(modelOutput, t, prevT, noisy);
    if (prevT < 0 || t == 0) {
      return mean;
    }
    return mean.add(noiseTerm(modelOutput, t, prevT, noisy, z));
  }

  private NDArray mean(NDArray modelOutput, int t, int prevT, NDArray noisy) {
    NDArray eps = noisePart(modelOutput, noisy).get(0);
    float abar = schedule.alphaCumprod(t);
    float abarPrev = schedule.alphaCumprod(prevT);
    float currentBeta;
    float currentAlpha;
    if (variance == Variance.FIXED && prevT == t - 1) {
      currentBeta = schedule.beta(t);
      currentAlpha = 1 - currentBeta;
    } else {
      currentAlpha = abar / abarPrev;
      currentBeta = 1 - currentAlpha;
    }
    NDArray x0 = limit(predictOriginal(noisy, eps, t));
    float x0Coeff = (float) (Math.sqrt(abarPrev) * currentBeta / (1 - abar));
    float xtCoeff = (float) (Math.sqrt(currentAlpha) * (1 - abarPrev) / (1 - abar));
    return x0.mul(x0Coeff).add(noisy.mul(xtCoeff));
  }

  private NDArray noiseTerm(NDArray modelOutput, int t, int prevT, NDArray noisy, NDArray z) {
    if (variance == Variance.FIXED) {
      float beta =
          prevT == t - 1
              ? schedule.beta(t)
              : 1 - schedule.alphaCumprod(t) / schedule.alphaCumprod(prevT);
      return z.mul((float) Math.sqrt(beta));
    }
    NDArray logVariance = learnedLogVariance(noisePart(modelOutput, noisy).get(1), t, prevT);
    return logVariance.mul(0.5f).exp().mul(z);
  }

  /** The noise channels and, for a learned variance, the variance channels. */
  private NDList noisePart(NDArray modelOutput, NDArray noisy) {
    long channels = noisy.getShape().get(1);
    long outputChannels = modelOutput.getShape().get(1);
    long expected = variance == Variance.LEARNED_RANGE ? 2 * channels : channels;
    if (outputChannels != expected) {
      throw new IllegalArgumentException(
          "a "
              + variance
              + " step needs "
              + expected
              + " output channels for "
              + channels
              + " image channels, got "
              + outputChannels);
    }
    return variance == Variance.LEARNED_RANGE
        ? modelOutput.split(new long[] {channels}, 1)
        : new NDList(modelOutput);
  }

  private NDArray limit(NDArray x0) {
    if (x0Rule instanceof X0.Clip clip) {
      return x0.clip(clip.min(), clip.max());
    }
    X0.DynamicThreshold threshold = (X0.DynamicThreshold) x0Rule;
    return dynamicThreshold(x0, threshold.ratio(), threshold.maxValue());
  }

  /**
   * Imagen's dynamic thresholding as diffusers implements it: per sample, s = the {@code ratio}
   * quantile of |x0| clamped to [1, maxValue], then x0 = clamp(x0, -s, s) / s.
   */
  public static NDArray dynamicThreshold(NDArray x0, double ratio, double maxValue) {
    Shape shape = x0.getShape();
    long batch = shape.get(0);
    NDArray flat = x0.reshape(batch, -1);
    long n = flat.getShape().get(1);
    NDArray sorted = flat.abs().sort(1);
    // torch.quantile uses linear interpolation between closest ranks.
    double position = ratio * (n - 1);
    long lower = (long) Math.floor(position);
    long upper = Math.min(lower + 1, n - 1);
    float weight = (float) (position - lower);
    NDArray lo = sorted.get(":, {}", lower);
    NDArray hi = sorted.get(":, {}", upper);
    NDArray s = lo.add(hi.sub(lo).mul(weight)).clip(1f, (float) maxValue).reshape(batch, 1);
    NDArray clamped = flat.maximum(s.neg()).minimum(s).div(s);
    return clamped.reshape(shape);
  }
}
