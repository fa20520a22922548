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
import dev.diffusionlab.diffusion.pipelines.Trajectory;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.GaussianLowPass;
import dev.diffusionlab.tensor.Noise;
import dev.diffusionlab.tensor.Psnr;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A1.3 one-step denoising at several t, and A1.4 iterative denoising over strided timesteps from
 * {@code i_start}, compared with the one-step estimate and a Gaussian blur by PSNR.
 */
public final class DenoiseExperiment implements BackendType<DenoiseExperiment.Params> {

  /** The parameters; {@code types denoise} lists them. */
  public record Params(
      @Param("embedded (the project's own denoiser) or deepfloyd (DeepFloyd IF stage I)")
          String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file, relative to content/ or absolute")
          String embeddings,
      @Param(
              value = "the test image (content/), resized and converted to the model's input",
              contentFile = true)
          String image,
      @Param(value = "A1.3's t values", min = 0, max = 999) List<Integer> timesteps,
      @Param("the prompt the denoiser is conditioned on") String prompt,
      @Param(value = "A1.4's timestep stride (30: [990, 960, ..., 0])", min = 1, max = 999)
          int stride,
      @Param(value = "A1.4's starting index into the strided timesteps", min = 0) int iStart,
      @Param(value = "A1.4 shows every n-th step", min = 1, max = 1000) int showEvery,
      @Param(value = "the classical baseline's odd kernel size", min = 1, max = 255) int blurKernel,
      @Param(value = "the classical baseline's sigma", min = 0, minExclusive = true, max = 100)
          double blurSigma)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A1.3, A1.4: one-step and iterative denoising of a test image, by PSNR";
  }

  @Override
  public String name() {
    return "denoise";
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
            "image",
            "images/rocket.png",
            "timesteps",
            List.of(250, 500, 750),
            "prompt",
            EmbeddedPrompts.GENERIC,
            "stride",
            30,
            "i_start",
            10,
            "show_every",
            5,
            "blur_kernel",
            5,
            "blur_sigma",
            2.0));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("onestep.png", OutputKind.FIGURE, "one-step denoising"),
        new DeclaredOutput("onestep.csv", OutputKind.TABLE, "one-step PSNR"),
        new DeclaredOutput("iterative.png", OutputKind.FIGURE, "every n-th step"),
        new DeclaredOutput("compare.png", OutputKind.FIGURE, "iterative vs one-step vs blur"),
        new DeclaredOutput("psnr.csv", OutputKind.TABLE, "PSNR of each method"));
  }

  @Override
  public void validate(Params p) {
    Backends.validate(p.backend(), List.of(p.prompt()), "prompt");
    Frames.checkStart("i_start", p.iStart(), p.stride());
    if (p.blurKernel() % 2 == 0) {
      throw new InvalidParamsException(
          "blur_kernel", "expected an odd size, got " + p.blurKernel());
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager m = NDManager.newBaseManager()) {
      int c = denoiser.channels();
      int size = denoiser.imageSize();
      Shape shape = new Shape(1, c, size, size);
      float[] x0 = TestImages.loadSigned(ctx.input("image", p.image()), size, c, ctx.progress());
      NDArray clean = m.create(x0, shape);
      DdpmScheduler scheduler = Backends.scheduler(p.backend(), denoiser, p.stride());
      NoiseEstimator estimator = ClassifierFreeGuidance.forPrompt(denoiser, p.prompt(), 1.0, m);
      Noise noise = Noise.seeded(ctx.seed()).derive("denoise");
      BufferedImage original = TestImages.fromSigned(x0, c, size);

      oneStep(p, ctx, m, clean, scheduler, estimator, noise, original);

      int[] timesteps = scheduler.timesteps();
      DenoisingLoop loop = new DenoisingLoop(scheduler);
      int tStart = timesteps[p.iStart()];
      NDArray noisy = scheduler.addNoise(clean, noise.normal(m, shape), tStart);
      Trajectory trajectory = new Trajectory(p.showEvery());
      NDArray iterative =
          loop.denoise(noisy, p.iStart(), estimator, StepHook.NONE, noise, trajectory);
      NDArray eps = estimator.estimate(noisy, tStart);
      NDArray oneStepEstimate =
          scheduler.predictOriginal(noisy, eps.split(new long[] {c}, 1).get(0), tStart);
      float[] noisyValues = noisy.toFloatArray();
      float[] blurred =
          new GaussianLowPass(p.blurKernel(), p.blurSigma()).lowPass(noisyValues, c, size, size);

      ImageGrid steps = new ImageGrid();
      List<String> labels = new ArrayList<>();
      List<BufferedImage> row = new ArrayList<>();
      for (Trajectory.Frame frame : trajectory.frames()) {
        labels.add(frame.t() < 0 ? "t = 0 (clean)" : "t = " + frame.t());
        row.add(SamplePictures.images(frame.values(), 1, c, size).get(0));
      }
      steps
          .columns(labels)
          .row("", row)
          .write(
              96,
              ctx.output("iterative.png", OutputKind.FIGURE, "every " + p.showEvery() + "th step"));

      float[] iterativeValues = iterative.toFloatArray();
      float[] oneStepValues = oneStepEstimate.toFloatArray();
      ImageGrid compare =
          new ImageGrid()
              .columns(
                  List.of(
                      "original",
                      "noisy (t = " + tStart + ")",
                      "iterative",
                      "one-step",
                      "Gaussian blur"))
              .row(
                  "",
                  List.of(
                      original,
                      TestImages.fromSigned(noisyValues, c, size),
                      TestImages.fromSigned(iterativeValues, c, size),
                      TestImages.fromSigned(oneStepValues, c, size),
                      TestImages.fromSigned(blurred, c, size)));
      compare.write(
          128, ctx.output("compare.png", OutputKind.FIGURE, "iterative vs one-step vs blur"));
      new CsvTable(
              List.of("method", "PSNR against the original (dB)"),
              List.of(
                  List.of("noisy input", CsvTable.number(Psnr.signed(noisyValues, x0), 2)),
                  List.of(
                      "iterative denoising", CsvTable.number(Psnr.signed(iterativeValues, x0), 2)),
                  List.of("one-step denoising", CsvTable.number(Psnr.signed(oneStepValues, x0), 2)),
                  List.of("Gaussian blur", CsvTable.number(Psnr.signed(blurred, x0), 2))))
          .write(ctx.output("psnr.csv", OutputKind.TABLE, "PSNR of each method"));
    }
  }

  /** A1.3: x_t at each t and the one-step estimate of x0 from it. */
  private static void oneStep(
      Params p,
      ExperimentContext ctx,
      NDManager m,
      NDArray clean,
      DdpmScheduler scheduler,
      NoiseEstimator estimator,
      Noise noise,
      BufferedImage original) {
    long c = clean.getShape().get(1);
    int size = (int) clean.getShape().get(2);
    List<String> labels = new ArrayList<>();
    List<BufferedImage> noisyRow = new ArrayList<>();
    List<BufferedImage> estimateRow = new ArrayList<>();
    List<BufferedImage> originalRow = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    float[] x0 = clean.toFloatArray();
    for (int t : p.timesteps()) {
      try (NDManager step = m.newSubManager()) {
        NDArray noisy = scheduler.addNoise(clean, noise.normal(step, clean.getShape()), t);
        NDArray eps = estimator.estimate(noisy, t).split(new long[] {c}, 1).get(0);
        float[] estimate = scheduler.predictOriginal(noisy, eps, t).toFloatArray();
        float[] noisyValues = noisy.toFloatArray();
        labels.add("t = " + t);
        originalRow.add(original);
        noisyRow.add(TestImages.fromSigned(noisyValues, (int) c, size));
        estimateRow.add(TestImages.fromSigned(estimate, (int) c, size));
        rows.add(
            List.of(
                Integer.toString(t),
                CsvTable.number(Psnr.signed(noisyValues, x0), 2),
                CsvTable.number(Psnr.signed(estimate, x0), 2)));
      }
    }
    new ImageGrid()
        .columns(labels)
        .row("original", originalRow)
        .row("noisy x_t", noisyRow)
        .row("one-step estimate", estimateRow)
        .write(128, ctx.output("onestep.png", OutputKind.FIGURE, "one-step denoising"));
    new CsvTable(List.of("t", "PSNR noisy (dB)", "PSNR one-step estimate (dB)"), rows)
        .write(ctx.output("onestep.csv", OutputKind.TABLE, "one-step PSNR"));
  }
}
