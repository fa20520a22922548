package dev.diffusionlab.experiments.parta;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.nn.EmbeddedDenoiser;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.EmbeddedUNet;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.LossChart;
import dev.diffusionlab.training.EmbeddedDenoiserTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Trains the embedded text-to-image denoiser of part A on MNIST and Fashion-MNIST (20 class
 * prompts, a generic prompt and the empty prompt), with IF's 1000-step cosine schedule and the
 * improved-DDPM hybrid loss for the learned-range variance.
 */
public final class EmbeddedDenoiserTraining
    implements ExperimentType<EmbeddedDenoiserTraining.Params> {
  static final String WEIGHTS = "denoiser.params";
  static final String CONFIG = "model.json";

  /** The parameters; {@code types embedded-denoiser-train} lists them. */
  public record Params(
      @Param(value = "images of each class used (0: all 6000)", min = 0, max = 60_000) int perClass,
      @Param(value = "base width of the UNet", min = 1, max = 1024) int channels,
      @Param(value = "width of the time/prompt embedding", min = 1, max = 4096) int embedDim,
      @Param(value = "group-norm groups, a divisor of channels", min = 1) int groups,
      @Param(value = "passes over the data", min = 1, max = 1000) int epochs,
      @Param(value = "images per step", min = 1, max = 65_536) int batchSize,
      @Param(
              value = "peak learning rate (warm-up, then cosine decay)",
              min = 0,
              minExclusive = true,
              max = 10)
          double learningRate,
      @Param(
              value = "decay of the averaged weights used for sampling",
              min = 0,
              max = 1,
              maxExclusive = true)
          double emaDecay,
      @Param(
              value = "chance an image's prompt becomes \"\" (classifier-free guidance)",
              min = 0,
              max = 1)
          double dropProbability,
      @Param(value = "chance an image's prompt becomes the generic prompt", min = 0, max = 1)
          double genericProbability) {}

  @Override
  public String summary() {
    return "trains the embedded text-to-image denoiser (MNIST + Fashion-MNIST)";
  }

  @Override
  public String name() {
    return "embedded-denoiser-train";
  }

  @Override
  public int codeVersion() {
    return 1;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    EmbeddedUNet.Config shipped = EmbeddedDenoiser.SHIPPED;
    return Map.of(
        "per_class",
        0,
        "channels",
        shipped.channels(),
        "embed_dim",
        shipped.embedDim(),
        "groups",
        shipped.groups(),
        "epochs",
        8,
        "batch_size",
        64,
        "learning_rate",
        2e-3,
        "ema_decay",
        0.999,
        "drop_probability",
        0.1,
        "generic_probability",
        0.1);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput(WEIGHTS, OutputKind.SHIPPED_CHECKPOINT, "averaged weights, fp16"),
        new DeclaredOutput("steps.csv", OutputKind.DATA, "per step: loss, mse, vlb"),
        new DeclaredOutput(CONFIG, OutputKind.DATA, "architecture"),
        new DeclaredOutput("epochs.csv", OutputKind.TABLE, "loss per epoch"),
        new DeclaredOutput("loss.png", OutputKind.CHART, "training loss"));
  }

  @Override
  public void validate(Params p) {
    if (p.channels() % p.groups() != 0) {
      throw new InvalidParamsException("groups", "must divide channels (" + p.channels() + ")");
    }
    if (!(p.dropProbability() + p.genericProbability() < 1)) {
      throw new InvalidParamsException(
          "drop_probability",
          "drop_probability + generic_probability must be below 1, got "
              + (p.dropProbability() + p.genericProbability()));
    }
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    LabeledImages data = EmbeddedTrainingData.load(true, p.perClass(), ctx.progress());
    if (data.count() < p.batchSize()) {
      throw new InvalidParamsException("batch_size", "larger than the " + data.count() + " images");
    }
    ctx.progress().log("training on " + data.count() + " images of 20 classes");
    EmbeddedUNet.Config config =
        new EmbeddedUNet.Config(p.channels(), p.embedDim(), EmbeddedPrompts.DIM, p.groups());
    EmbeddedDenoiserTrainer.Settings settings =
        new EmbeddedDenoiserTrainer.Settings(
            p.epochs(),
            p.batchSize(),
            p.learningRate(),
            p.emaDecay(),
            p.dropProbability(),
            p.genericProbability(),
            ctx.seed());
    Path weights = ctx.output(WEIGHTS, OutputKind.SHIPPED_CHECKPOINT, "averaged weights, fp16");
    Path steps = ctx.output("steps.csv", OutputKind.DATA, "per step: loss, mse, vlb");
    Path epochs = ctx.workDir().resolve("epochs");
    List<EmbeddedDenoiserTrainer.EpochStats> stats =
        new EmbeddedDenoiserTrainer(
                config, settings, EmbeddedDenoiser.trainingSchedule(), ctx.progress())
            .train(data, epochs, weights, steps);
    new ObjectMapper()
        .writeValue(ctx.output(CONFIG, OutputKind.DATA, "architecture").toFile(), config);
    writeEpochTable(stats, ctx.output("epochs.csv", OutputKind.TABLE, "loss per epoch"));
    writeChart(steps, ctx.output("loss.png", OutputKind.CHART, "training loss"));
  }

  private static void writeEpochTable(List<EmbeddedDenoiserTrainer.EpochStats> stats, Path file) {
    List<List<String>> rows = new ArrayList<>();
    for (EmbeddedDenoiserTrainer.EpochStats s : stats) {
      rows.add(
          List.of(
              Integer.toString(s.epoch()),
              CsvTable.number(s.loss(), 4),
              CsvTable.number(s.mse(), 4),
              CsvTable.number(s.vlb(), 4),
              CsvTable.number(s.seconds(), 0)));
    }
    new CsvTable(
            List.of("epoch", "hybrid loss", "noise MSE", "variance term (VLB)", "seconds"), rows)
        .write(file);
  }

  private static void writeChart(Path steps, Path file) throws java.io.IOException {
    List<String> lines = Files.readAllLines(steps);
    double[] x = new double[lines.size()];
    double[] mse = new double[lines.size()];
    double[] vlb = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      x[i] = Double.parseDouble(cells[0]);
      mse[i] = Double.parseDouble(cells[2]);
      vlb[i] = Double.parseDouble(cells[3]);
    }
    new LossChart("Embedded denoiser training", "step", "loss", true)
        .add("noise MSE", x, mse, 0.98)
        .add("variance term", x, vlb, 0.98)
        .writePng(file, 720, 360);
  }

  /** The config written beside the weights. */
  static EmbeddedUNet.Config readConfig(Path file) throws java.io.IOException {
    return new ObjectMapper().readValue(file.toFile(), EmbeddedUNet.Config.class);
  }

  /** Width² × images trained (20 classes of per_class images, or all 120,000). */
  @Override
  public OptionalDouble work(Params p) {
    double images = p.perClass() == 0 ? 120_000 : 20.0 * p.perClass();
    return OptionalDouble.of((double) p.channels() * p.channels() * p.epochs() * images);
  }
}
