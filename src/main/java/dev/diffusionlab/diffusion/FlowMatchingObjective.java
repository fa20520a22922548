package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.tensor.Noise;
import java.util.Random;

/**
 * B2 flow matching: {@code x_t = (1 - t) x0 + t x1} with x0 ~ N(0, I) noise, x1 the data and t
 * uniform in [0, 1]; the network predicts the velocity {@code x1 - x0}.
 */
public record FlowMatchingObjective() implements DiffusionObjective {
  @Override
  public TrainingPair pair(NDArray clean, Random random) {
    NDManager m = clean.getManager();
    int n = (int) clean.getShape().get(0);
    NDArray t = Noise.uniform(random, m, new Shape(n, 1));
    NDArray x0 = Noise.normal(random, m, clean.getShape());
    NDArray tt = t.reshape(n, 1, 1, 1);
    NDArray xt = x0.mul(tt.neg().add(1)).add(clean.mul(tt));
    return new TrainingPair(xt, t, clean.sub(x0));
  }
}
