package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.diffusionlab.tensor.GaussianLowPass;

/**
 * A1.9 hybrid images by factorized diffusion: {@code eps = lowpass(eps_1) + highpass(eps_2)}, so
 * the first prompt shapes what is seen from afar and the second what is seen up close. The variance
 * is the mean of both predictions'.
 */
public final class HybridImage implements NoiseEstimator {
  private final NoiseEstimator far;
  private final NoiseEstimator near;
  private final GaussianLowPass filter;

  /**
   * @param far its low frequencies are kept
   * @param near its high frequencies are kept
   */
  public HybridImage(NoiseEstimator far, NoiseEstimator near, GaussianLowPass filter) {
    this.far = far;
    this.near = near;
    this.filter = filter;
  }

  @Override
  public NDArray estimate(NDArray noisy, int t) {
    long channels = noisy.getShape().get(1);
    NDList a = far.estimate(noisy, t).split(new long[] {channels}, 1);
    NDList b = near.estimate(noisy, t).split(new long[] {channels}, 1);
    NDArray eps = combine(a.get(0), b.get(0), filter);
    return eps.concat(a.get(1).add(b.get(1)).div(2f), 1);
  }

  /** {@code lowpass(far) + highpass(near)} for two noise estimates [N, C, H, W]. */
  public static NDArray combine(NDArray far, NDArray near, GaussianLowPass filter) {
    return filter.lowPass(far).add(filter.highPass(near));
  }
}
