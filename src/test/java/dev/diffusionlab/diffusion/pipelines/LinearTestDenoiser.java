package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import java.util.List;

/**
 * A deterministic stand-in for a trained model: predicts noise {@code a x_t + b} where b is the
 * prompt's one number, and a constant variance value; one channel of 4×4 images.
 */
final class LinearTestDenoiser implements Denoiser {
  private final float a;
  private final float variance;
  private final NoiseSchedule schedule;

  LinearTestDenoiser(float a, float variance, NoiseSchedule schedule) {
    this.a = a;
    this.variance = variance;
    this.schedule = schedule;
  }

  @Override
  public NDArray predict(NDArray noisy, int[] timesteps, NDArray promptEmbeds) {
    long n = noisy.getShape().get(0);
    NDArray bias = promptEmbeds.reshape(n, 1, 1, 1);
    NDArray eps = noisy.mul(a).add(bias);
    return eps.concat(eps.zerosLike().add(variance), 1);
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public int imageSize() {
    return 4;
  }

  @Override
  public NoiseSchedule schedule() {
    return schedule;
  }

  @Override
  public PromptEmbeddings prompts() {
    return new PromptEmbeddings() {
      @Override
      public List<String> prompts() {
        return List.of("", "one", "two");
      }

      @Override
      public NDArray embed(String prompt, NDManager manager) {
        float value =
            switch (prompt) {
              case "" -> 0f;
              case "one" -> 1f;
              case "two" -> 2f;
              default -> throw new IllegalArgumentException("unknown prompt " + prompt);
            };
        return manager.create(new float[] {value}, new Shape(1, 1));
      }
    };
  }

  @Override
  public void close() {}
}
