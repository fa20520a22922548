package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * B2.2 DDPM: {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps} at t uniform in {0..T-1}; the
 * network sees t/T and predicts eps.
 */
public record DdpmObjective(NoiseSchedule schedule) implements DiffusionObjective {
  @Override
  public TrainingPair pair(NDArray clean, Random random) {
    NDManager m = clean.getManager();
    int n = (int) clean.getShape().get(0);
    int steps = schedule.numTrainTimesteps();
    float[] t = new float[n];
    float[] signal = new float[n];
    float[] noiseScale = new float[n];
    for (int i = 0; i < n; i++) {
      int ti = random.nextInt(steps);
      t[i] = (float) ti / steps;
      signal[i] = (float) Math.sqrt(schedule.alphaCumprod(ti));
      noiseScale[i] = (float) Math.sqrt(1 - schedule.alphaCumprod(ti));
    }
    NDArray eps = GaussianNoise.normal(m, random, clean.getShape());
    Shape column = new Shape(n, 1, 1, 1);
    NDArray xt = clean.mul(m.create(signal, column)).add(eps.mul(m.create(noiseScale, column)));
    return new TrainingPair(xt, m.create(t, new Shape(n, 1)), eps);
  }
}
