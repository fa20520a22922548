package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.TestImages;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.NoiseEstimator;
import dev.diffusionlab.diffusion.pipelines.RePaint;
import dev.diffusionlab.diffusion.pipelines.SamplePictures;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.tensor.Noise;
import dev.diffusionlab.util.ProjectPaths;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A1.7.2 inpainting (RePaint): sample from pure noise, and after every step put the known pixels
 * back, noised to the step's level: {@code x_t = m x_t + (1 - m) forward(x_orig, t)}.
 */
public final class InpaintExperiment implements BackendType<InpaintExperiment.Params> {
  private static final Pattern BOX = Pattern.compile("box:([0-9.]+),([0-9.]+),([0-9.]+),([0-9.]+)");

  /** The parameters; {@code types inpaint} lists them. */
  public record Params(
      @Param("embedded (the project's own denoiser) or deepfloyd (DeepFloyd IF stage I)")
          String backend,
      @Param("the embedded training experiment's id, or a DeepFloyd model id or folder")
          String model,
      @Param("DeepFloyd's precomputed prompt embeddings file, relative to content/ or absolute")
          String embeddings,
      @Param(value = "input images under content/", contentFile = true) List<String> images,
      @Param(
              "one per image: a PNG under content/ (white = generate) or box:x0,y0,x1,y1 in fractions of the side")
          List<String> masks,
      @Param("the text prompt that guides the sampling") String prompt,
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
      @Param(value = "results per image", min = 1, max = 16) int samples)
      implements BackendType.BackendParams {}

  @Override
  public String summary() {
    return "A1.7.2: RePaint inpainting with PNG or box masks";
  }

  @Override
  public String name() {
    return "inpaint";
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
        Map.of("prompt", EmbeddedPrompts.GENERIC, "guidance", 7.0, "stride", 30, "samples", 2));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("inpaint.png", OutputKind.FIGURE, "inpainting of every image"));
  }

  @Override
  public void validate(Params p) {
    Backends.validate(p.backend(), List.of(p.prompt()), "prompt");
    if (p.images().isEmpty() || p.images().size() != p.masks().size()) {
      throw new InvalidParamsException(
          "masks",
          "expected one mask per image ("
              + p.images().size()
              + " images, "
              + p.masks().size()
              + " masks)");
    }
    for (int i = 0; i < p.masks().size(); i++) {
      String mask = p.masks().get(i);
      if (mask.startsWith("box:") && box(mask) == null) {
        throw new InvalidParamsException(
            "masks[" + i + "]",
            "expected box:x0,y0,x1,y1 with 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, got " + mask);
      }
    }
  }

  /** Every PNG mask stays inside content/, is a readable image and has its image's proportions. */
  @Override
  public void checkInputs(Params p, Path contentDir) {
    BackendType.super.checkInputs(p, contentDir);
    for (int i = 0; i < p.masks().size(); i++) {
      String spec = p.masks().get(i);
      if (spec.startsWith("box:")) {
        continue;
      }
      String field = "masks[" + i + "]";
      Dimension mask = imageSize(field, spec, contentDir);
      Dimension picture = imageSize("images[" + i + "]", p.images().get(i), contentDir);
      checkProportions(field, spec, mask, picture);
    }
  }

  private static Dimension imageSize(String field, String name, Path contentDir) {
    try {
      return Images.dimensions(ProjectPaths.resolve(contentDir, name));
    } catch (IllegalArgumentException e) { // an escape or an unreadable image
      throw new InvalidParamsException(field, e.getMessage());
    }
  }

  private static void checkProportions(
      String field, String spec, Dimension mask, Dimension picture) {
    if (mask.width * (long) picture.height != mask.height * (long) picture.width) {
      throw new InvalidParamsException(
          field,
          "mask "
              + spec
              + " is "
              + mask.width
              + "x"
              + mask.height
              + " but its image is "
              + picture.width
              + "x"
              + picture.height);
    }
  }

  private static double[] box(String spec) {
    Matcher m = BOX.matcher(spec);
    if (!m.matches()) {
      return null;
    }
    double[] b = new double[4];
    for (int i = 0; i < 4; i++) {
      b[i] = Double.parseDouble(m.group(i + 1));
    }
    boolean ok = b[0] >= 0 && b[1] >= 0 && b[2] <= 1 && b[3] <= 1 && b[0] < b[2] && b[1] < b[3];
    return ok ? b : null;
  }

  /** The mask as [H * W] values: 1 where to generate. */
  private static float[] mask(Params p, int i, ExperimentContext ctx, int size) {
    String spec = p.masks().get(i);
    float[] mask = new float[size * size];
    double[] b = box(spec);
    if (b != null) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double fx = (x + 0.5) / size;
          double fy = (y + 0.5) / size;
          mask[y * size + x] = fx >= b[0] && fx < b[2] && fy >= b[1] && fy < b[3] ? 1f : 0f;
        }
      }
      return mask;
    }
    BufferedImage image = Images.read(ctx.input("masks[" + i + "]", spec));
    BufferedImage picture = Images.read(ctx.input("images[" + i + "]", p.images().get(i)));
    checkProportions(
        "masks[" + i + "]",
        spec,
        new Dimension(image.getWidth(), image.getHeight()),
        new Dimension(picture.getWidth(), picture.getHeight()));
    float[] grey = Images.toChw(Images.resize(image, size, size), 1);
    for (int k = 0; k < grey.length; k++) {
      mask[k] = grey[k] > 0.5f ? 1f : 0f;
    }
    return mask;
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    try (Denoiser denoiser = Backends.open(p.backend(), p.model(), p.embeddings(), ctx);
        NDManager m = NDManager.newBaseManager()) {
      int c = denoiser.channels();
      int size = denoiser.imageSize();
      List<float[]> masks = new ArrayList<>();
      for (int i = 0; i < p.images().size(); i++) {
        masks.add(mask(p, i, ctx, size)); // every mask is checked before sampling starts
      }
      DdpmScheduler scheduler = Backends.scheduler(p.backend(), denoiser, p.stride());
      DenoisingLoop loop = new DenoisingLoop(scheduler);
      NoiseEstimator estimator =
          ClassifierFreeGuidance.forPrompt(denoiser, p.prompt(), p.guidance(), m);
      List<String> columns = new ArrayList<>(List.of("original", "mask", "kept"));
      for (int k = 1; k <= p.samples(); k++) {
        columns.add("inpainted " + k);
      }
      ImageGrid grid = new ImageGrid().columns(columns);
      for (int i = 0; i < p.images().size(); i++) {
        float[] x0 =
            TestImages.loadSigned(
                ctx.input("images[" + i + "]", p.images().get(i)), size, c, ctx.progress());
        try (NDManager step = m.newSubManager()) {
          int n = p.samples();
          Shape shape = new Shape(n, c, size, size);
          NDArray original = step.create(x0, new Shape(1, c, size, size)).repeat(0, n);
          NDArray mask = step.create(masks.get(i), new Shape(1, 1, size, size));
          Noise noise = Noise.seeded(ctx.seed()).derive("inpaint", i);
          NDArray start = noise.normal(step, shape);
          NDArray result =
              loop.denoise(
                  start,
                  0,
                  estimator,
                  new RePaint(scheduler, original, mask),
                  noise,
                  DenoisingLoop.Observer.NONE);
          List<BufferedImage> row = new ArrayList<>();
          row.add(TestImages.fromSigned(x0, c, size));
          float[] maskImage = new float[size * size];
          float[] kept = new float[x0.length];
          for (int k = 0; k < x0.length; k++) {
            float mk = masks.get(i)[k % (size * size)];
            kept[k] = mk > 0 ? 0f : x0[k];
          }
          for (int k = 0; k < maskImage.length; k++) {
            maskImage[k] = masks.get(i)[k] * 2 - 1;
          }
          row.add(TestImages.fromSigned(maskImage, 1, size));
          row.add(TestImages.fromSigned(kept, c, size));
          row.addAll(SamplePictures.images(result));
          grid.row(SdeditExperiment.shortName(p.images().get(i)), row);
        }
        ctx.progress().log("inpainted " + p.images().get(i));
      }
      grid.write(
          112,
          ctx.output("inpaint.png", OutputKind.FIGURE, "inpainting with \"" + p.prompt() + "\""));
    }
  }
}
