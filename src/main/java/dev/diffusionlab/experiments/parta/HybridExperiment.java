package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.HybridImage;
import dev.diffusionlab.diffusion.pipelines.SamplePictures;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.GaussianLowPass;
import dev.diffusionlab.tensor.Noise;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A1.9 hybrid images (factorized diffusion): {@code eps = lowpass(eps_far) + highpass(eps_near)}.
 * From afar (low frequencies) the image shows the first prompt, up close the second. The filter
 * scales with the image: A1.9's kernel 33, sigma 2 at 64×64, i.e. sigma = 2 H / 64.
 */
public final class HybridExperiment implements BackendType<HybridExperiment.Params> {

  /** One hybrid: {@code far} is seen from afar, {@code near} up close. */
  public record Hybrid(String far, String near) {}

  /** The parameters; {@code types hybrid} lists them. */
  public record Params(
      @Param("embedded (the project's own denoiser) or deepfloyd (DeepFloyd IF stage I)")
          String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file, relative to content/ or absolute")
          String embeddings,
      @Param("the hybrids to make: a prompt for the low and one for the high frequencies")
          List<Hybrid> hybrids,
      @Param(value = "candidates per hybrid (different seeds); all are shown", min = 1, max = 8)
          int samples,
      @Param(
              value = "gamma of classifier-free guidance; 1 samples the conditional model alone",
              min = 0,
              max = 100)
          double guidance,
      @Param(
              value = "timestep stride of the sampling loop, e.g. 30 for [990, 960, ..., 0]",
              min = 1,
              max = 999)
          int stride,
      @Param("id of a classifier-train experiment that scores the results, or \"\"")
          String classifier)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A1.9: factorized-diffusion hybrid images";
  }

  @Override
  public String name() {
    return "hybrid";
  }

  @Override
  public int codeVersion() {
    return 7;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Backends.withDefaults(
        Map.of("samples", 2, "guidance", 7.0, "stride", 30, "classifier", ""));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(new DeclaredOutput("hybrids.png", OutputKind.FIGURE, "hybrid images"));
    if (!p.classifier().isEmpty()) {
      outputs.add(new DeclaredOutput("verdicts.csv", OutputKind.TABLE, "classifier verdicts"));
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    if (p.hybrids().isEmpty()) {
      throw new InvalidParamsException("hybrids", "expected at least one hybrid");
    }
    for (int h = 0; h < p.hybrids().size(); h++) {
      Hybrid hybrid = p.hybrids().get(h);
      Backends.validate(
          p.backend(), List.of(hybrid.far(), hybrid.near()), "hybrids[" + h + "].far/near");
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager m = NDManager.newBaseManager();
        SampleScoring scoring =
            p.classifier().isEmpty() ? null : new SampleScoring(ctx.dependency(p.classifier()))) {
      DenoisingLoop loop = new DenoisingLoop(Backends.scheduler(p.backend(), denoiser, p.stride()));
      GaussianLowPass filter = GaussianLowPass.forImageSize(denoiser.imageSize());
      ctx.progress().log("low-pass kernel " + filter.kernelSize() + ", sigma " + filter.sigma());
      ImageGrid grid = new ImageGrid();
      List<List<String>> verdicts = new ArrayList<>();
      for (int h = 0; h < p.hybrids().size(); h++) {
        Hybrid hybrid = p.hybrids().get(h);
        try (NDManager step = m.newSubManager()) {
          HybridImage estimator =
              new HybridImage(
                  ClassifierFreeGuidance.forPrompt(denoiser, hybrid.far(), p.guidance(), step),
                  ClassifierFreeGuidance.forPrompt(denoiser, hybrid.near(), p.guidance(), step),
                  filter);
          NDArray x =
              loop.sample(
                  step,
                  denoiser.shape(p.samples()),
                  estimator,
                  Noise.seeded(ctx.seed()).derive("hybrid", h),
                  DenoisingLoop.Observer.NONE);
          NDArray far = filter.lowPass(x);
          List<BufferedImage> row = new ArrayList<>();
          List<BufferedImage> full = SamplePictures.images(x);
          List<BufferedImage> afar = SamplePictures.images(far);
          for (int k = 0; k < full.size(); k++) {
            row.add(full.get(k));
            row.add(
                Images.upscaleNearest(
                    Images.resize(
                        full.get(k), full.get(k).getWidth() / 4, full.get(k).getHeight() / 4),
                    4));
            row.add(afar.get(k));
          }
          grid.row(Frames.label(hybrid.far()) + " / " + Frames.label(hybrid.near()), row);
          if (scoring != null) {
            verdicts.addAll(scoring.verdictRows(far, h + 1, "far (low-pass)", hybrid.far()));
            verdicts.addAll(scoring.verdictRows(x, h + 1, "near (the full image)", hybrid.near()));
          }
        }
        ctx.progress().log("hybrid " + (h + 1) + " of " + p.hybrids().size() + " done");
      }
      List<String> columns = new ArrayList<>();
      for (int k = 1; k <= p.samples(); k++) {
        columns.addAll(List.of("sample " + k, "from afar", "low-pass"));
      }
      grid.columns(columns)
          .write(112, ctx.output("hybrids.png", OutputKind.FIGURE, "hybrid images"));
      if (scoring != null) {
        new CsvTable(
                List.of(
                    "hybrid",
                    "view",
                    "prompt",
                    "sample",
                    "classifier verdict",
                    "probability of the prompt's class"),
                verdicts)
            .write(ctx.output("verdicts.csv", OutputKind.TABLE, "classifier verdicts"));
      }
    }
  }
}
