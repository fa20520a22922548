package dev.diffusionlab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.Npy;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.Noise;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A1.1: the forward process {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps} on a test image,
 * with DeepFloyd IF's cosine schedule.
 */
public final class ForwardProcessExperiment
    implements ExperimentType<ForwardProcessExperiment.Params> {

  /** The parameters; {@code types forward-process} lists them. */
  public record Params(
      @Param(value = "the test image, relative to content/", contentFile = true) String image,
      @Param(value = "the side the image is resized to (IF stage I: 64)", min = 8, max = 1024)
          int size,
      @Param(value = "the t at which to show x_t, each below num_train_timesteps", min = 0)
          List<Integer> timesteps,
      @Param(value = "T of the cosine schedule", min = 2, max = 100_000) int numTrainTimesteps) {}

  @Override
  public String summary() {
    return "A1.1: x_t of a test image at several t";
  }

  @Override
  public String name() {
    return "forward-process";
  }

  @Override
  public int codeVersion() {
    return 2;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of(
        "image",
        "images/rocket.png",
        "size",
        64,
        "timesteps",
        List.of(250, 500, 750),
        "num_train_timesteps",
        1000);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(new DeclaredOutput("original.npy", OutputKind.DATA, "x0 in [-1, 1], [3, H, W]"));
    outputs.add(new DeclaredOutput("original.png", OutputKind.FIGURE, "the test image"));
    for (int t : p.timesteps()) {
      outputs.add(new DeclaredOutput("noisy-t" + t + ".npy", OutputKind.DATA, "x_t at t = " + t));
      outputs.add(new DeclaredOutput("noisy-t" + t + ".png", OutputKind.FIGURE, "x_t at t = " + t));
    }
    outputs.add(
        new DeclaredOutput("forward.png", OutputKind.FIGURE, "the test image and x_t at each t"));
    return outputs;
  }

  @Override
  public void validate(Params p) {
    if (p.timesteps().isEmpty()) {
      throw new InvalidParamsException("timesteps", "expected at least one timestep");
    }
    for (int i = 0; i < p.timesteps().size(); i++) {
      int t = p.timesteps().get(i);
      if (t >= p.numTrainTimesteps()) {
        throw new InvalidParamsException(
            "timesteps[" + i + "]", "t = " + t + " is outside [0, " + p.numTrainTimesteps() + ")");
      }
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) {
    int size = p.size();
    float[] x0 = TestImages.loadSigned(ctx.input("image", p.image()), size, 3, ctx.progress());
    Npy.write(
        ctx.output("original.npy", OutputKind.DATA, "x0 in [-1, 1], [3, H, W]"), x0, 3, size, size);
    BufferedImage original = TestImages.fromSigned(x0, 3, size);
    Images.writePng(original, ctx.output("original.png", OutputKind.FIGURE, "the test image"));

    NoiseSchedule schedule = NoiseSchedule.squaredCosCapV2(p.numTrainTimesteps());
    DdpmScheduler scheduler =
        DdpmScheduler.deepFloyd(
            schedule, NoiseSchedule.stridedTimesteps(p.numTrainTimesteps() - 1, 1));
    Noise noise = Noise.seeded(ctx.seed());
    List<BufferedImage> row = new ArrayList<>(List.of(original));
    List<String> labels = new ArrayList<>(List.of("original"));
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape shape = new Shape(1, 3, size, size);
      NDArray clean = manager.create(x0, shape);
      for (int t : p.timesteps()) {
        float[] noisy = scheduler.addNoise(clean, noise.normal(manager, shape), t).toFloatArray();
        Npy.write(
            ctx.output("noisy-t" + t + ".npy", OutputKind.DATA, "x_t at t = " + t),
            noisy,
            3,
            size,
            size);
        BufferedImage image = TestImages.fromSigned(noisy, 3, size);
        Images.writePng(
            image, ctx.output("noisy-t" + t + ".png", OutputKind.FIGURE, "x_t at t = " + t));
        row.add(image);
        labels.add("t = " + t);
      }
    }
    new ImageGrid()
        .columns(labels)
        .row("", row)
        .write(
            192, ctx.output("forward.png", OutputKind.FIGURE, "the test image and x_t at each t"));
  }
}
