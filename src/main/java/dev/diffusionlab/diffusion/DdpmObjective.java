package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;
import java.util.Random;

/**
 * B2.2 DDPM: the scheduler's forward process {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps}
 * at t uniform in {0..T-1}; the network sees t/T and predicts eps.
 */
public record DdpmObjective(NoiseSchedule schedule) implements DiffusionObjective {
  @Override
  public TrainingPair pair(NDArray clean, Random random) {
    NDManager m = clean.getManager();
    int n = (int) clean.getShape().get(0);
    DdpmScheduler scheduler = DdpmScheduler.course(schedule);
    int[] ti = new int[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      ti[i] = random.nextInt(schedule.numTrainTimesteps());
      t[i] = scheduler.time(ti[i]);
    }
    NDArray eps = Noise.normal(random, m, clean.getShape());
    NDArray xt = scheduler.addNoise(clean, eps, ti);
    return new TrainingPair(xt, m.create(t, new Shape(n, 1)), eps);
  }
}
