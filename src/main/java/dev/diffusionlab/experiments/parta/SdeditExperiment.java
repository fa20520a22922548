package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.NoiseEstimator;
import dev.diffusionlab.diffusion.pipelines.SamplePictures;
import dev.diffusionlab.diffusion.pipelines.StepHook;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.Noise;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A1.7 SDEdit (and 1.7.1, 1.7.3): noise each image to {@code timesteps[i_start]} and denoise it
 * with classifier-free guidance, for several i_start; small i_start changes the image most.
 */
public final class SdeditExperiment implements BackendType<SdeditExperiment.Params> {

  /** The parameters; {@code types sdedit} lists them. */
  public record Params(
      @Param("embedded (the project's own denoiser) or deepfloyd (DeepFloyd IF stage I)")
          String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file, relative to content/ or absolute")
          String embeddings,
      @Param(value = "input images under content/", contentFile = true) List<String> images,
      @Param(value = "indices into the strided timesteps where denoising starts", min = 0)
          List<Integer> iStarts,
      @Param("the prompt (the generic one for 1.7, a specific one for 1.7.3)") String prompt,
      @Param(value = "classifier-free guidance scale", min = 0, max = 100) double guidance,
      @Param(value = "timestep stride", min = 1, max = 999) int stride)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A1.7: SDEdit of images over several i_start";
  }

  @Override
  public String name() {
    return "sdedit";
  }

  @Override
  public int codeVersion() {
    return 4;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Backends.withDefaults(
        Map.of(
            "i_starts",
            List.of(1, 3, 5, 7, 10, 20),
            "prompt",
            EmbeddedPrompts.GENERIC,
            "guidance",
            7.0,
            "stride",
            30));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(new DeclaredOutput("sdedit.png", OutputKind.FIGURE, "SDEdit of every image"));
  }

  @Override
  public void validate(Params p) {
    Backends.validate(p.backend(), List.of(p.prompt()), "prompt");
    if (p.images().isEmpty()) {
      throw new InvalidParamsException("images", "expected at least one image");
    }
    for (int i = 0; i < p.iStarts().size(); i++) {
      Frames.checkStart("i_starts[" + i + "]", p.iStarts().get(i), p.stride());
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager m = NDManager.newBaseManager()) {
      int c = denoiser.channels();
      int size = denoiser.imageSize();
      DdpmScheduler scheduler = Backends.scheduler(p.backend(), denoiser, p.stride());
      int[] timesteps = scheduler.timesteps();
      DenoisingLoop loop = new DenoisingLoop(scheduler);
      NoiseEstimator estimator =
          ClassifierFreeGuidance.forPrompt(denoiser, p.prompt(), p.guidance(), m);
      List<String> columns = new ArrayList<>();
      for (int start : p.iStarts()) {
        columns.add("i_start = " + start);
      }
      columns.add("original");
      ImageGrid grid = new ImageGrid().columns(columns);
      for (int i = 0; i < p.images().size(); i++) {
        float[] x0 =
            TestImages.loadSigned(
                ctx.input("images[" + i + "]", p.images().get(i)), size, c, ctx.progress());
        List<BufferedImage> row = new ArrayList<>();
        for (int s = 0; s < p.iStarts().size(); s++) {
          int start = p.iStarts().get(s);
          try (NDManager step = m.newSubManager()) {
            Noise noise = Noise.seeded(ctx.seed()).derive("sdedit", i, s);
            Shape shape = new Shape(1, c, size, size);
            NDArray noisy =
                scheduler.addNoise(
                    step.create(x0, shape), noise.normal(step, shape), timesteps[start]);
            NDArray edited =
                loop.denoise(
                    noisy, start, estimator, StepHook.NONE, noise, DenoisingLoop.Observer.NONE);
            row.add(SamplePictures.images(edited).get(0));
          }
        }
        row.add(TestImages.fromSigned(x0, c, size));
        grid.row(shortName(p.images().get(i)), row);
        ctx.progress().log("edited " + p.images().get(i));
      }
      grid.write(
          112, ctx.output("sdedit.png", OutputKind.FIGURE, "SDEdit with \"" + p.prompt() + "\""));
    }
  }

  /** "images/cat.png" → "cat". */
  static String shortName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
