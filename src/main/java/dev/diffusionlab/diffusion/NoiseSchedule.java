package dev.diffusionlab.diffusion;

import java.util.Arrays;

/**
 * A discrete diffusion noise schedule: {@code betas} and {@code alphasCumprod} (abar_t) for t in
 * [0, T). Values are float32 and computed the way diffusers' {@code DDPMScheduler} computes them,
 * so they match DeepFloyd IF's scheduler.
 */
public final class NoiseSchedule {
  private final float[] betas;
  private final float[] alphasCumprod;

  private NoiseSchedule(float[] betas) {
    this.betas = betas;
    this.alphasCumprod = new float[betas.length];
    // torch.cumprod accumulates float32 input in double on the CPU; a float running product
    // drifts by up to 5e-7, which the strided variance's 1 - abar_t / abar_t' cancellation
    // amplifies to 3e-5 near t = 0.
    double product = 1.0;
    for (int t = 0; t < betas.length; t++) {
      product *= 1f - betas[t];
      alphasCumprod[t] = (float) product;
    }
  }

  /**
   * The cosine schedule ({@code squaredcos_cap_v2}) of Nichol and Dhariwal used by DeepFloyd IF:
   * {@code abar(s) = cos^2((s + 0.008) / 1.008 * pi / 2)}, {@code beta_t = min(1 - abar((t+1)/T) /
   * abar(t/T), 0.999)}.
   */
  public static NoiseSchedule squaredCosCapV2(int numTrainTimesteps) {
    float[] betas = new float[numTrainTimesteps];
    for (int i = 0; i < numTrainTimesteps; i++) {
      double t1 = (double) i / numTrainTimesteps;
      double t2 = (double) (i + 1) / numTrainTimesteps;
      betas[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
    }
    return new NoiseSchedule(betas);
  }

  /** Betas spaced linearly from {@code start} to {@code end} (DDPM's schedule, part B). */
  public static NoiseSchedule linear(int numTrainTimesteps, double start, double end) {
    float[] betas = new float[numTrainTimesteps];
    for (int i = 0; i < numTrainTimesteps; i++) {
      double fraction = numTrainTimesteps == 1 ? 0 : (double) i / (numTrainTimesteps - 1);
      betas[i] = (float) (start + fraction * (end - start));
    }
    return new NoiseSchedule(betas);
  }

  private static double cosineAlphaBar(double s) {
    double c = Math.cos((s + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /** Number of training timesteps T. */
  public int numTrainTimesteps() {
    return betas.length;
  }

  /** beta_t. */
  public float beta(int t) {
    return betas[t];
  }

  /** abar_t = prod_{s <= t} (1 - beta_s); 1 for t < 0 (the step before the first). */
  public float alphaCumprod(int t) {
    return t < 0 ? 1f : alphasCumprod[t];
  }

  /** A copy of all abar_t. */
  public float[] alphasCumprod() {
    return Arrays.copyOf(alphasCumprod, alphasCumprod.length);
  }

  /**
   * Strided timesteps from {@code start} down to 0 by {@code stride}, e.g. [990, 960, ..., 0] for
   * (990, 30) as in A1.4.
   */
  public static int[] stridedTimesteps(int start, int stride) {
    if (stride <= 0 || start < 0) {
      throw new IllegalArgumentException("need start >= 0 and stride > 0");
    }
    int[] steps = new int[start / stride + 1];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = start - i * stride;
    }
    return steps;
  }
}
