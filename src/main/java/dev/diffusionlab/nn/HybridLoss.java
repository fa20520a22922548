package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.diffusion.NoiseSchedule;

/**
 * Improved DDPM's hybrid objective (Nichol and Dhariwal 2021) for a model that predicts noise and a
 * learned-range variance: {@code L = L_simple + L_vlb}, where L_simple is the noise MSE and L_vlb
 * is the KL between the true posterior q(x_{t-1} | x_t, x_0) and the model's Gaussian, in bits per
 * pixel, with the mean's gradient stopped so that only the variance learns from it. (Their λ =
 * 0.001 applies to the full sum over T = 1000 steps, i.e. weight 1 on one sampled step.)
 *
 * <p>The t = 0 term (a discretised decoder likelihood in the paper) is left out: the last reverse
 * step adds no noise, so the variance at t = 0 is never used.
 */
public final class HybridLoss {
  private final NoiseSchedule schedule;

  public HybridLoss(NoiseSchedule schedule) {
    this.schedule = schedule;
  }

  /** The two terms of one batch. */
  public record Terms(NDArray total, NDArray mse, NDArray vlb) {}

  /**
   * @param output model output [N, 2, H, W]: noise then raw variance value
   * @param noise the true noise [N, 1, H, W]
   * @param timesteps each sample's t
   */
  public Terms compute(NDArray output, NDArray noise, int[] timesteps) {
    NDManager manager = noise.getManager();
    int n = timesteps.length;
    float[] meanCoeff = new float[n];
    float[] logBeta = new float[n];
    float[] logPosterior = new float[n];
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      int t = timesteps[i];
      // At t = 0 the posterior variance is 0; use t = 1's, as improved DDPM clips it.
      int tv = Math.max(t, 1);
      float abar = schedule.alphaCumprod(t);
      float abarPrev = schedule.alphaCumprod(t - 1);
      float beta = 1 - abar / abarPrev;
      // mu_q - mu_p = sqrt(abar') beta / (1 - abar) (x0 - x0_hat), x0 - x0_hat =
      // sqrt((1-abar)/abar)
      // (eps_hat - eps)  (A1.4's x0 coefficient).
      meanCoeff[i] =
          (float) (Math.sqrt(abarPrev) * beta / (1 - abar) * Math.sqrt((1 - abar) / abar));
      float abarV = schedule.alphaCumprod(tv);
      float abarVPrev = schedule.alphaCumprod(tv - 1);
      float betaV = 1 - abarV / abarVPrev;
      logBeta[i] = (float) Math.log(betaV);
      logPosterior[i] = (float) Math.log((1 - abarVPrev) / (1 - abarV) * betaV);
      mask[i] = t == 0 ? 0f : 1f;
    }
    NDArray eps = output.get(":, 0:1");
    NDArray v = output.get(":, 1:2");
    NDArray mse = eps.sub(noise).square().mean();

    NDArray frac = v.add(1f).div(2f);
    NDArray lb = column(manager, logBeta);
    NDArray lp = column(manager, logPosterior);
    NDArray logVarModel = frac.mul(lb).add(frac.neg().add(1f).mul(lp));
    NDArray meanDiff = eps.stopGradient().sub(noise).mul(column(manager, meanCoeff));
    NDArray kl =
        logVarModel
            .sub(lp)
            .add(lp.sub(logVarModel).exp())
            .add(meanDiff.square().mul(logVarModel.neg().exp()))
            .sub(1f)
            .mul(0.5f);
    NDArray perSample =
        kl.reshape(timesteps.length, -1).mean(new int[] {1}).div((float) Math.log(2));
    NDArray vlb = perSample.mul(manager.create(mask)).mean();
    return new Terms(mse.add(vlb), mse, vlb);
  }

  private static NDArray column(NDManager manager, float[] values) {
    return manager.create(values).reshape(values.length, 1, 1, 1);
  }
}
