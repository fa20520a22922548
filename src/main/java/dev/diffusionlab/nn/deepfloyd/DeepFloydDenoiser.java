package dev.diffusionlab.nn.deepfloyd;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import java.util.Arrays;

/**
 * DeepFloyd IF stage I behind the project's {@link Denoiser} interface: the UNet predicts noise
 * (channels 0-2) and learned-range variance values (3-5) for 64×64 images from raw T5 prompt
 * embeddings. Weights are float16 on a GPU and float32 on the CPU; inputs and outputs are float32
 * on the caller's device. Create one with {@link DeepFloydBackend}.
 */
public final class DeepFloydDenoiser implements Denoiser {
  private final NDManager manager;
  private final IfUNet unet;
  private final NoiseSchedule schedule;
  private final PromptEmbeddings prompts;
  private final DataType dataType;

  /**
   * @param manager owns the weights; closed by {@link #close()}
   * @param dataType the weights' type, used for the computation as well
   */
  DeepFloydDenoiser(
      NDManager manager,
      IfUNet unet,
      NoiseSchedule schedule,
      PromptEmbeddings prompts,
      DataType dataType) {
    this.manager = manager;
    this.unet = unet;
    this.schedule = schedule;
    this.prompts = prompts;
    this.dataType = dataType;
  }

  @Override
  public NDArray predict(NDArray noisy, int[] timesteps, NDArray promptEmbeds) {
    long n = noisy.getShape().get(0);
    if (timesteps.length != n || promptEmbeds.getShape().get(0) != n) {
      throw new IllegalArgumentException(
          "batch mismatch: x_t "
              + noisy.getShape()
              + ", "
              + timesteps.length
              + " timesteps, "
              + "embeddings "
              + promptEmbeds.getShape());
    }
    long width = promptEmbeds.getShape().get(promptEmbeds.getShape().dimension() - 1);
    if (width != unet.config().encoderHidDim()) {
      throw new IllegalArgumentException(
          "prompt embeddings are "
              + width
              + " wide but the UNet expects encoder_hid_dim "
              + unet.config().encoderHidDim()
              + " (T5-XXL: 4096)");
    }
    for (int t : timesteps) {
      if (t < 0 || t >= schedule.numTrainTimesteps()) {
        throw new IllegalArgumentException(
            "timestep "
                + t
                + " outside [0, "
                + schedule.numTrainTimesteps()
                + ") in "
                + Arrays.toString(timesteps));
      }
    }
    Device device = manager.getDevice();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray x = noisy.toDevice(device, false).toType(dataType, false);
      NDArray text = promptEmbeds.toDevice(device, false).toType(dataType, false);
      float[] steps = new float[timesteps.length];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = timesteps[i];
      }
      NDArray t = noisy.getManager().create(steps).toDevice(device, false);
      NDArray out = unet.forward(x, t, text);
      NDArray result = out.toType(DataType.FLOAT32, false).toDevice(noisy.getDevice(), false);
      NDScope.unregister(result);
      result.attach(noisy.getManager());
      return result;
    }
  }

  @Override
  public int channels() {
    return unet.config().inChannels();
  }

  @Override
  public int imageSize() {
    return unet.config().sampleSize();
  }

  @Override
  public NoiseSchedule schedule() {
    return schedule;
  }

  @Override
  public PromptEmbeddings prompts() {
    return prompts;
  }

  /** The UNet's config (sizes of this model). */
  public UNetConfig config() {
    return unet.config();
  }

  @Override
  public void close() {
    manager.close();
  }
}
