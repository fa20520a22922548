package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The reverse step of DeepFloyd IF's scheduler (diffusers' {@code DDPMScheduler} with {@code
 * variance_type = learned_range}) over arbitrary, e.g. strided, timesteps (A1.4).
 *
 * <p>With {@code alpha_t = abar_t / abar_t'} and {@code beta_t = 1 - alpha_t} for the previous
 * timestep t' < t: {@code x_t' = sqrt(abar_t') beta_t / (1 - abar_t) x0 + sqrt(alpha_t) (1 -
 * abar_t') / (1 - abar_t) x_t + v_sigma}.
 */
public final class DdpmScheduler {
  private final NoiseSchedule schedule;

  public DdpmScheduler(NoiseSchedule schedule) {
    this.schedule = schedule;
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /** A1.1 forward process: {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps}. */
  public NDArray addNoise(NDArray x0, NDArray noise, int t) {
    float abar = schedule.alphaCumprod(t);
    return x0.mul((float) Math.sqrt(abar)).add(noise.mul((float) Math.sqrt(1 - abar)));
  }

  /** One-step estimate of x0 from x_t and the predicted noise (A1.3). */
  public NDArray predictOriginal(NDArray noisy, NDArray noise, int t) {
    float abar = schedule.alphaCumprod(t);
    return noisy.sub(noise.mul((float) Math.sqrt(1 - abar))).div((float) Math.sqrt(abar));
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
    float posterior = Math.max((1 - abarPrev) / (1 - abar) * currentBeta, 1e-20f);
    float minLog = (float) Math.log(posterior);
    float maxLog = (float) Math.log(currentBeta);
    NDArray frac = predictedVariance.add(1f).div(2f);
    return frac.mul(maxLog).add(frac.neg().add(1f).mul(minLog));
  }

  /**
   * One reverse step from timestep t to prevT (prevT = -1 ends at the clean image).
   *
   * @param modelOutput shape [N, 2C, H, W] (noise, variance) as a {@link Denoiser} returns
   * @param noisy x_t, shape [N, C, H, W]
   * @param noise standard normal noise of x_t's shape for v_sigma, unused when prevT < 0
   * @param thresholdRatio dynamic thresholding quantile of |x0| (IF: 0.95), or <= 0 to skip
   * @param sampleMaxValue the largest threshold (IF: 1.5)
   * @return x_prevT, shape [N, C, H, W]
   */
  public NDArray step(
      NDArray modelOutput,
      int t,
      int prevT,
      NDArray noisy,
      NDArray noise,
      double thresholdRatio,
      double sampleMaxValue) {
    long channels = noisy.getShape().get(1);
    NDList split = modelOutput.split(new long[] {channels}, 1);
    NDArray eps = split.get(0);
    NDArray predictedVariance = split.get(1);

    float abar = schedule.alphaCumprod(t);
    float abarPrev = schedule.alphaCumprod(prevT);
    float currentAlpha = abar / abarPrev;
    float currentBeta = 1 - currentAlpha;

    NDArray x0 = predictOriginal(noisy, eps, t);
    if (thresholdRatio > 0) {
      x0 = dynamicThreshold(x0, thresholdRatio, sampleMaxValue);
    }
    float x0Coeff = (float) (Math.sqrt(abarPrev) * currentBeta / (1 - abar));
    float xtCoeff = (float) (Math.sqrt(currentAlpha) * (1 - abarPrev) / (1 - abar));
    NDArray previous = x0.mul(x0Coeff).add(noisy.mul(xtCoeff));
    if (prevT < 0 || t == 0) {
      return previous;
    }
    NDArray logVariance = learnedLogVariance(predictedVariance, t, prevT);
    return previous.add(logVariance.mul(0.5f).exp().mul(noise));
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
