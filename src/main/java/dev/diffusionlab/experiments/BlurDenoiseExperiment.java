package dev.diffusionlab.experiments;

import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.Npy;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.GaussianLowPass;
import dev.diffusionlab.tensor.Psnr;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A1.2: classical denoising of the forward process's noisy images by a Gaussian blur, shown side by
 * side with PSNR against the original.
 */
public final class BlurDenoiseExperiment implements ExperimentType<BlurDenoiseExperiment.Params> {
  private static final Pattern NOISY = Pattern.compile("noisy-t(\\d+)\\.npy");

  /** The parameters; {@code types blur-denoise} lists them. */
  public record Params(
      @Param("the id of the forward-process experiment whose images are blurred") String source,
      @Param(value = "odd Gaussian kernel size in pixels", min = 1, max = 255) int kernelSize,
      @Param(
              value = "the Gaussian's standard deviation in pixels",
              min = 0,
              minExclusive = true,
              max = 100)
          double sigma) {}

  @Override
  public String summary() {
    return "A1.2: Gaussian-blur denoising of the forward process, with PSNR";
  }

  @Override
  public String name() {
    return "blur-denoise";
  }

  @Override
  public int codeVersion() {
    return 3;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("source", "forward-process", "kernel_size", 5, "sigma", 2.0);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput(
            "blurred-t*.npy", OutputKind.DATA, "blurred x_t, one per t of the source"),
        new DeclaredOutput(
            "blurred-t*.png", OutputKind.FIGURE, "blurred x_t, one per t of the source"),
        new DeclaredOutput("blur.png", OutputKind.FIGURE, "noisy images and their Gaussian blur"),
        new DeclaredOutput("psnr.csv", OutputKind.TABLE, "PSNR against the original"));
  }

  @Override
  public void validate(Params p) {
    if (p.kernelSize() % 2 == 0) {
      throw new InvalidParamsException(
          "kernel_size", "expected an odd size, got " + p.kernelSize());
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) {
    DependencyOutputs source = ctx.dependency(p.source());
    Npy.Array original = Npy.read(source.file("original.npy"));
    int size = (int) original.shape()[1];
    List<Integer> timesteps = new ArrayList<>();
    for (String name : source.names()) {
      Matcher m = NOISY.matcher(name);
      if (m.matches()) {
        timesteps.add(Integer.parseInt(m.group(1)));
      }
    }
    timesteps.sort(Comparator.naturalOrder());
    if (timesteps.isEmpty()) {
      throw new IllegalArgumentException(
          "experiment '" + p.source() + "' has no noisy-t*.npy outputs");
    }
    GaussianLowPass blur = new GaussianLowPass(p.kernelSize(), p.sigma());
    List<BufferedImage> noisyRow = new ArrayList<>();
    List<BufferedImage> blurRow = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (int t : timesteps) {
      float[] noisy = Npy.read(source.file("noisy-t" + t + ".npy")).data();
      float[] blurred = blur.lowPass(noisy, 3, size, size);
      Npy.write(
          ctx.output("blurred-t" + t + ".npy", OutputKind.DATA, "blurred x_t, t = " + t),
          blurred,
          3,
          size,
          size);
      BufferedImage image = TestImages.fromSigned(blurred, 3, size);
      Images.writePng(
          image, ctx.output("blurred-t" + t + ".png", OutputKind.FIGURE, "blurred x_t, t = " + t));
      noisyRow.add(TestImages.fromSigned(noisy, 3, size));
      blurRow.add(image);
      labels.add("t = " + t);
      rows.add(
          List.of(
              Integer.toString(t),
              CsvTable.number(Psnr.signed(noisy, original.data()), 2),
              CsvTable.number(Psnr.signed(blurred, original.data()), 2)));
    }
    new ImageGrid()
        .columns(labels)
        .row("noisy", noisyRow)
        .row("Gaussian blur", blurRow)
        .write(
            192, ctx.output("blur.png", OutputKind.FIGURE, "noisy images and their Gaussian blur"));
    new CsvTable(List.of("t", "PSNR noisy (dB)", "PSNR blurred (dB)"), rows)
        .write(ctx.output("psnr.csv", OutputKind.TABLE, "PSNR against the original"));
  }
}
