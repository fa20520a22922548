package dev.diffusionlab.experiments;

import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.report.SampleImages;
import dev.diffusionlab.tensor.Noise;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** B1.2: MNIST digits noised as {@code z = x + sigma eps} over a range of sigma. */
public final class MnistNoisingExperiment implements ExperimentType<MnistNoisingExperiment.Params> {
  private static final int SIZE = 28;

  /** The parameters; {@code types mnist-noising} lists them. */
  public record Params(
      @Param(value = "the noise levels, one column each", min = 0, max = 100) List<Double> sigmas,
      @Param(value = "how many training digits, one row each", min = 1, max = 100) int digits) {}

  @Override
  public String summary() {
    return "B1.2: MNIST digits noised at several sigma";
  }

  @Override
  public String name() {
    return "mnist-noising";
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
    return Map.of("sigmas", List.of(0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0), "digits", 4);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("noising.png", OutputKind.FIGURE, "digits noised at each sigma"));
  }

  @Override
  public void run(Params p, ExperimentContext ctx) {
    LabeledImages train = PartBTraining.train(ctx);
    Noise noise = Noise.seeded(ctx.seed());
    ImageGrid grid = new ImageGrid();
    List<String> labels = new ArrayList<>();
    for (double sigma : p.sigmas()) {
      labels.add("σ = " + sigma);
    }
    grid.columns(labels);
    for (int d = 0; d < p.digits(); d++) {
      float[] x = train.image(d);
      List<BufferedImage> row = new ArrayList<>();
      for (double sigma : p.sigmas()) {
        float[] z = new float[x.length];
        for (int i = 0; i < x.length; i++) {
          z[i] = (float) (x[i] + sigma * noise.nextGaussian());
        }
        row.add(SampleImages.image(z, 0, SIZE, SIZE));
      }
      grid.row("digit " + train.labels()[d], row);
    }
    grid.write(84, ctx.output("noising.png", OutputKind.FIGURE, "digits noised at each sigma"));
  }
}
