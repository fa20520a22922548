package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded backend: an {@link EmbeddedUNet} trained on MNIST and Fashion-MNIST with the
 * 1000-step cosine schedule, behind the {@link Denoiser} interface the part A pipelines use.
 */
public final class EmbeddedDenoiser implements Denoiser {
  /** The sizes of the shipped model. */
  public static final EmbeddedUNet.Config SHIPPED =
      new EmbeddedUNet.Config(32, 128, EmbeddedPrompts.DIM, 8);

  private static final NoiseSchedule SCHEDULE = NoiseSchedule.squaredCosCapV2(1000);

  private final NDManager manager;
  private final EmbeddedUNet unet;
  private final EmbeddedPrompts prompts = new EmbeddedPrompts();

  private EmbeddedDenoiser(NDManager manager, EmbeddedUNet unet) {
    this.manager = manager;
    this.unet = unet;
  }

  /**
   * Loads weights that the training experiment wrote.
   *
   * @throws IOException naming the file and tensor if it does not hold this architecture
   */
  public static EmbeddedDenoiser load(Path weights, EmbeddedUNet.Config config) throws IOException {
    NDManager manager = NDManager.newBaseManager();
    EmbeddedUNet unet = new EmbeddedUNet(config, manager, 0);
    try {
      unet.weights().load(weights);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
    return new EmbeddedDenoiser(manager, unet);
  }

  /** Wraps a network in memory (tests and benchmarks); the denoiser closes it. */
  public static EmbeddedDenoiser of(EmbeddedUNet unet) {
    return new EmbeddedDenoiser(unet.weights().manager(), unet);
  }

  /** The schedule the embedded model is trained with: cosine, T = 1000, as IF. */
  public static NoiseSchedule trainingSchedule() {
    return SCHEDULE;
  }

  @Override
  public NDArray predict(NDArray noisy, int[] timesteps, NDArray promptEmbeds) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray t = noisy.getManager().create(timesteps).toType(DataType.FLOAT32, false);
      NDArray raw = unet.forward(noisy, t, promptEmbeds);
      // The interface promises variance values in IF's [-1, 1] learned range.
      NDArray noise = raw.get(":, 0:1");
      NDArray variance = raw.get(":, 1:2").clip(-1f, 1f);
      out = noise.concat(variance, 1);
      NDScope.unregister(out);
    }
    NDScope.register(out);
    return out;
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public int imageSize() {
    return EmbeddedUNet.IMAGE_SIZE;
  }

  @Override
  public NoiseSchedule schedule() {
    return SCHEDULE;
  }

  @Override
  public PromptEmbeddings prompts() {
    return prompts;
  }

  @Override
  public void close() {
    unet.close();
    manager.close();
  }
}
