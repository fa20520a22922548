package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.NoiseEstimator;
import dev.diffusionlab.diffusion.pipelines.SamplePictures;
import dev.diffusionlab.diffusion.pipelines.Trajectory;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.experiments.SampleIndex;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.classifier.SampleScorer;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.Noise;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Samples from pure noise (A0, A1.5, A1.6): for each prompt and each stride, {@code samples}
 * images, with classifier-free guidance when {@code guidance} differs from 1. Optionally scores the
 * samples with the project's classifier.
 */
public final class SampleExperiment implements BackendType<SampleExperiment.Params> {

  /** The parameters; {@code types sample} lists them. */
  public record Params(
      @Param("embedded or deepfloyd") String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file") String embeddings,
      @Param("the prompts to sample") List<String> prompts,
      @Param(value = "images per prompt and stride", min = 1, max = 64) int samples,
      @Param(
              value =
                  "timestep strides, e.g. [30] for [990, 960, ..., 0]; [50, 20] for 20 and 50 steps",
              min = 1,
              max = 999)
          List<Integer> strides,
      @Param(
              value = "gamma of classifier-free guidance; 1 samples the conditional model alone",
              min = 0,
              max = 100)
          double guidance,
      @Param("id of a classifier-train experiment that scores the samples, or \"\"")
          String classifier,
      @Param("whether to write an animation of the first stride's trajectory") boolean gif)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A0, A1.5, A1.6: samples from pure noise, any prompts, strides and guidance";
  }

  @Override
  public String name() {
    return "sample";
  }

  @Override
  public int codeVersion() {
    return 5;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Backends.withDefaults(
        Map.of(
            "prompts",
            List.of(EmbeddedPrompts.GENERIC),
            "samples",
            5,
            "strides",
            List.of(30),
            "guidance",
            1.0,
            "classifier",
            "",
            "gif",
            false));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(
        new DeclaredOutput(
            "*-s*.png", OutputKind.FIGURE, "one PNG per sample, listed in index.json"));
    outputs.add(new DeclaredOutput("samples.png", OutputKind.FIGURE, "samples"));
    outputs.add(new DeclaredOutput("index.json", OutputKind.DATA, "the sample files"));
    if (!p.classifier().isEmpty()) {
      outputs.add(new DeclaredOutput("accuracy.csv", OutputKind.TABLE, "classifier verdicts"));
    }
    if (p.gif()) {
      outputs.add(
          new DeclaredOutput("trajectory.gif", OutputKind.FIGURE, "the sampling trajectory"));
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    Backends.validate(p.backend(), p.prompts(), "prompts");
    if (p.prompts().isEmpty()) {
      throw new InvalidParamsException("prompts", "expected at least one prompt");
    }
    if (p.strides().isEmpty()) {
      throw new InvalidParamsException("strides", "expected at least one stride");
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager manager = NDManager.newBaseManager();
        SampleScoring scoring =
            p.classifier().isEmpty() ? null : new SampleScoring(ctx.dependency(p.classifier()))) {
      ImageGrid grid = new ImageGrid();
      List<String> columns = new ArrayList<>();
      for (int k = 1; k <= p.samples(); k++) {
        columns.add("sample " + k);
      }
      grid.columns(columns);
      SampleIndex index = new SampleIndex();
      List<List<String>> scores = new ArrayList<>();
      List<Trajectory.Frame> firstTrajectory = null;
      for (int s = 0; s < p.strides().size(); s++) {
        int stride = p.strides().get(s);
        int[] timesteps = Frames.timesteps(stride, denoiser.schedule().numTrainTimesteps());
        DenoisingLoop loop = new DenoisingLoop(Backends.scheduler(p.backend(), denoiser, stride));
        for (int q = 0; q < p.prompts().size(); q++) {
          String prompt = p.prompts().get(q);
          try (NDManager step = manager.newSubManager()) {
            NoiseEstimator estimator =
                ClassifierFreeGuidance.forPrompt(denoiser, prompt, p.guidance(), step);
            Noise noise = Noise.seeded(ctx.seed()).derive("sample", s, q);
            Trajectory trajectory = s == 0 && q == 0 && p.gif() ? new Trajectory(1) : null;
            ctx.progress().log("sampling \"" + prompt + "\", " + timesteps.length + " steps");
            NDArray x =
                loop.sample(
                    step,
                    denoiser.shape(p.samples()),
                    estimator,
                    noise,
                    trajectory == null ? DenoisingLoop.Observer.NONE : trajectory);
            if (trajectory != null) {
              firstTrajectory = trajectory.frames();
            }
            List<BufferedImage> images = SamplePictures.images(x);
            String rowLabel =
                Frames.label(prompt)
                    + (p.strides().size() > 1 ? ", " + timesteps.length + " steps" : "");
            grid.row(rowLabel, images);
            saveSamples(p, ctx, prompt, timesteps.length, s, images, index);
            if (scoring != null) {
              scores.add(score(scoring, x, prompt, timesteps.length));
            }
          }
        }
      }
      grid.write(112, ctx.output("samples.png", OutputKind.FIGURE, "samples"));
      index.write(ctx.output("index.json", OutputKind.DATA, "the sample files"));
      if (scoring != null) {
        new CsvTable(
                List.of(
                    "prompt",
                    "steps",
                    "samples",
                    "classified as the prompt (%)",
                    "mean confidence",
                    "most common verdict"),
                scores)
            .write(ctx.output("accuracy.csv", OutputKind.TABLE, "classifier verdicts"));
      }
      if (firstTrajectory != null) {
        SamplePictures.writeGif(
            firstTrajectory,
            ctx.output("trajectory.gif", OutputKind.FIGURE, "the sampling trajectory"),
            3);
      }
    }
  }

  private static void saveSamples(
      Params p,
      ExperimentContext ctx,
      String prompt,
      int steps,
      int strideIndex,
      List<BufferedImage> images,
      SampleIndex index) {
    for (int k = 0; k < images.size(); k++) {
      String file = Frames.sampleName(prompt, p.prompts(), k + 1);
      if (p.strides().size() > 1) {
        file = file.replace(".png", "-steps" + steps + ".png");
      }
      Images.writePng(images.get(k), ctx.output(file, OutputKind.FIGURE, prompt));
      index.add(
          new SampleIndex.Sample(
              file,
              prompt,
              null,
              EmbeddedPrompts.classOf(prompt).orElse(-1),
              k + 1,
              steps,
              p.guidance()));
    }
    ctx.progress()
        .log(
            "stride "
                + p.strides().get(strideIndex)
                + ": "
                + images.size()
                + " samples of \""
                + prompt
                + "\"");
  }

  private static List<String> score(SampleScoring scoring, NDArray x, String prompt, int steps) {
    int target = EmbeddedPrompts.classOf(prompt).orElse(-1);
    SampleScorer.Score score = SampleScorer.score(scoring.verdicts(x), target);
    return List.of(
        prompt,
        Integer.toString(steps),
        Integer.toString(score.samples()),
        target >= 0 ? CsvTable.number(100 * score.accuracy(), 0) : "n/a",
        CsvTable.number(score.meanConfidence(), 2),
        EmbeddedPrompts.shortName(score.mostCommon()));
  }
}
