package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.SamplePictures;
import dev.diffusionlab.diffusion.pipelines.Trajectory;
import dev.diffusionlab.diffusion.pipelines.View;
import dev.diffusionlab.diffusion.pipelines.Views;
import dev.diffusionlab.diffusion.pipelines.VisualAnagram;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.Noise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A1.8 visual anagrams: one image that shows a different prompt through each view (flip, rotation,
 * negation, skew, patch permutation), with the classifier's verdict in every view.
 */
public final class AnagramExperiment implements BackendType<AnagramExperiment.Params> {

  /** One anagram: prompt i is seen through view i. */
  public record Anagram(List<String> prompts, List<String> views) {}

  /** The parameters; {@code types visual-anagram} lists them. */
  public record Params(
      @Param("embedded (the project's own denoiser) or deepfloyd (DeepFloyd IF stage I)")
          String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file, relative to content/ or absolute")
          String embeddings,
      @Param("the anagrams to make") List<Anagram> anagrams,
      @Param(value = "candidates per anagram (different seeds); all are shown", min = 1, max = 8)
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
      @Param("id of a classifier-train experiment, or \"\"") String classifier,
      @Param("whether to write an animation of the first anagram being sampled") boolean gif)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A1.8: visual anagrams over named views";
  }

  @Override
  public String name() {
    return "visual-anagram";
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
        Map.of("samples", 2, "guidance", 7.0, "stride", 30, "classifier", "", "gif", true));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(new DeclaredOutput("anagrams.png", OutputKind.FIGURE, "each anagram in each view"));
    if (!p.classifier().isEmpty()) {
      outputs.add(
          new DeclaredOutput("verdicts.csv", OutputKind.TABLE, "classifier verdict per view"));
    }
    if (p.gif()) {
      outputs.add(
          new DeclaredOutput("anagram.gif", OutputKind.FIGURE, "the first anagram being sampled"));
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    if (p.anagrams().isEmpty()) {
      throw new InvalidParamsException("anagrams", "expected at least one anagram");
    }
    for (int a = 0; a < p.anagrams().size(); a++) {
      Anagram anagram = p.anagrams().get(a);
      String field = "anagrams[" + a + "]";
      if (anagram.prompts().size() < 2 || anagram.prompts().size() != anagram.views().size()) {
        throw new InvalidParamsException(
            field,
            "expected two or more prompts and as many views, got "
                + anagram.prompts().size()
                + " prompts and "
                + anagram.views().size()
                + " views");
      }
      Backends.validate(p.backend(), anagram.prompts(), field + ".prompts");
      for (int v = 0; v < anagram.views().size(); v++) {
        if (!Views.names().contains(anagram.views().get(v))) {
          throw new InvalidParamsException(
              field + ".views[" + v + "]",
              "unknown view '"
                  + anagram.views().get(v)
                  + "'; views are "
                  + String.join(", ", Views.names()));
        }
      }
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager m = NDManager.newBaseManager();
        SampleScoring scoring =
            p.classifier().isEmpty() ? null : new SampleScoring(ctx.dependency(p.classifier()))) {
      DenoisingLoop loop = new DenoisingLoop(Backends.scheduler(p.backend(), denoiser, p.stride()));
      ImageGrid grid = new ImageGrid();
      List<List<String>> verdicts = new ArrayList<>();
      Trajectory first = null;
      for (int a = 0; a < p.anagrams().size(); a++) {
        Anagram anagram = p.anagrams().get(a);
        try (NDManager step = m.newSubManager()) {
          List<VisualAnagram.Part> parts = new ArrayList<>();
          List<View> views = new ArrayList<>();
          for (int i = 0; i < anagram.prompts().size(); i++) {
            View view = Views.byName(anagram.views().get(i));
            views.add(view);
            parts.add(
                new VisualAnagram.Part(
                    ClassifierFreeGuidance.forPrompt(
                        denoiser, anagram.prompts().get(i), p.guidance(), step),
                    view));
          }
          Trajectory trajectory = a == 0 && p.gif() ? new Trajectory(1) : null;
          NDArray x =
              loop.sample(
                  step,
                  denoiser.shape(p.samples()),
                  new VisualAnagram(parts),
                  Noise.seeded(ctx.seed()).derive("anagram", a),
                  trajectory == null ? DenoisingLoop.Observer.NONE : trajectory);
          if (trajectory != null) {
            first = trajectory;
          }
          for (int v = 0; v < views.size(); v++) {
            NDArray seen = views.get(v).apply(x);
            String prompt = anagram.prompts().get(v);
            grid.row(
                views.get(v).name() + ": " + Frames.label(prompt), SamplePictures.images(seen));
            if (scoring != null) {
              verdicts.addAll(scoring.verdictRows(seen, a + 1, views.get(v).name(), prompt));
            }
          }
        }
        ctx.progress().log("anagram " + (a + 1) + " of " + p.anagrams().size() + " done");
      }
      List<String> columns = new ArrayList<>();
      for (int k = 1; k <= p.samples(); k++) {
        columns.add("sample " + k);
      }
      grid.columns(columns)
          .write(112, ctx.output("anagrams.png", OutputKind.FIGURE, "each anagram in each view"));
      if (scoring != null) {
        new CsvTable(
                List.of(
                    "anagram",
                    "view",
                    "prompt",
                    "sample",
                    "classifier verdict",
                    "probability of the prompt's class"),
                verdicts)
            .write(ctx.output("verdicts.csv", OutputKind.TABLE, "classifier verdict per view"));
      }
      if (first != null) {
        SamplePictures.writeGif(
            first.frames(),
            ctx.output("anagram.gif", OutputKind.FIGURE, "the first anagram being sampled"),
            3);
      }
    }
  }
}
