package dev.diffusionlab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.diffusionlab.data.ImageBatches;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.nn.unet.Conditioning;
import dev.diffusionlab.nn.unet.UNet;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.report.SampleImages;
import dev.diffusionlab.tensor.Noise;
import dev.diffusionlab.tensor.Psnr;
import dev.diffusionlab.training.TrainingHistory;
import dev.diffusionlab.training.TrainingLoop;
import dev.diffusionlab.training.TrainingPlan;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * B1.2.1–B1.2.3: an unconditional UNet trained to map {@code z = x + sigma eps} back to x (or, with
 * {@code pure_noise}, to map z ~ N(0, I) to x, which can only learn the mean digit). Writes the
 * loss curve, test results after chosen epochs, and the out-of-distribution sigma sweep.
 */
public final class OneStepDenoiserExperiment
    implements ExperimentType<OneStepDenoiserExperiment.Params> {
  private static final int SIZE = UNetConfig.IMAGE_SIZE;
  private static final int EVAL_BATCH = 200;

  /** The parameters; {@code types one-step-denoiser} lists them. */
  public record Params(
      @Param(value = "UNet width D", min = 1, max = 1024) int hidden,
      @Param(value = "images per step", min = 1, max = 60000) int batchSize,
      @Param(value = "Adam's learning rate (constant)", min = 0, minExclusive = true, max = 10)
          double learningRate,
      @Param(value = "passes over the training subset", min = 0, max = 1000) int epochs,
      @Param(
              value = "training images used (the first ones of MNIST's training set)",
              min = 1,
              max = 60000)
          int trainSize,
      @Param(value = "the noise level trained at (B1.2.1: 0.5)", min = 0, max = 100)
          double trainSigma,
      @Param("B1.2.3: the input is pure noise z ~ N(0, I) instead of x + sigma eps")
          boolean pureNoise,
      @Param(value = "epochs after which test results are shown", min = 1)
          List<Integer> resultEpochs,
      @Param(
              value = "B1.2.2: the noise levels of the out-of-distribution sweep",
              min = 0,
              max = 100)
          List<Double> testSigmas,
      @Param(value = "test images for MSE and PSNR", min = 1, max = 10000) int testSize,
      @Param(value = "test images shown in figures, at most test_size", min = 1) int shown) {}

  @Override
  public String summary() {
    return "B1.2.1-1.2.3: a UNet trained to denoise in one step";
  }

  @Override
  public String name() {
    return "one-step-denoiser";
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
  public boolean resumable() {
    return true;
  }

  // B1.2.1 course settings: D = 128, batch 256, Adam 1e-4, 5 epochs, sigma = 0.5.
  @Override
  public Map<String, Object> defaults() {
    return Map.ofEntries(
        Map.entry("hidden", 128),
        Map.entry("batch_size", 256),
        Map.entry("learning_rate", 1e-4),
        Map.entry("epochs", 5),
        Map.entry("train_size", 60000),
        Map.entry("train_sigma", 0.5),
        Map.entry("pure_noise", false),
        Map.entry("result_epochs", List.of(1, 5)),
        Map.entry("test_sigmas", List.of(0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0)),
        Map.entry("test_size", 10000),
        Map.entry("shown", 6));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs =
        new ArrayList<>(PartBTraining.historyOutputs(p.epochs(), "model.params"));
    for (int epoch : p.resultEpochs()) {
      if (epoch <= p.epochs()) {
        outputs.add(
            new DeclaredOutput(
                "results-epoch" + epoch + ".png",
                OutputKind.FIGURE,
                "test results after epoch " + epoch));
        outputs.add(
            new DeclaredOutput(
                "test-epoch" + epoch + ".csv", OutputKind.DATA, "test MSE after epoch " + epoch));
      }
    }
    outputs.add(new DeclaredOutput("test.csv", OutputKind.TABLE, "test MSE and PSNR per epoch"));
    if (p.pureNoise()) {
      outputs.add(new DeclaredOutput("mean.png", OutputKind.FIGURE, "outputs and the mean digit"));
      outputs.add(
          new DeclaredOutput(
              "mean.csv", OutputKind.TABLE, "distance of outputs to the mean digit"));
    } else {
      outputs.add(
          new DeclaredOutput(
              "ood.png", OutputKind.FIGURE, "the denoiser on noise levels it was not trained for"));
      outputs.add(
          new DeclaredOutput("ood.csv", OutputKind.TABLE, "test MSE and PSNR per noise level"));
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    PartBTraining.requireBatches(p.trainSize(), p.batchSize());
    if (p.shown() > p.testSize()) {
      throw new InvalidParamsException(
          "shown", "expected at most test_size (" + p.testSize() + "), got " + p.shown());
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    LabeledImages train = PartBTraining.train(ctx);
    LabeledImages test = PartBTraining.test(ctx);
    PartBTraining.requireAtMost("train_size", p.trainSize(), train.count());
    try (NDManager manager = NDManager.newBaseManager()) {
      UNet net =
          PartBTraining.unet(manager, UNetConfig.mnist(p.hidden(), Conditioning.NONE), ctx.seed());
      TrainingPlan plan =
          new TrainingPlan(p.epochs(), p.batchSize(), p.learningRate(), 1.0, p.trainSize());
      TrainingLoop loop =
          new TrainingLoop(net, manager, plan, ctx.seed(), ctx.workDir(), ctx.progress(), ctx.id());
      TrainingHistory history =
          loop.run(
              (m, store, indices, random) -> {
                NDArray clean = ImageBatches.images(train, indices, m);
                NDArray z = noisy(clean, p.pureNoise() ? -1 : p.trainSigma(), random);
                NDArray pred = net.forward(store, new NDList(z), true).head();
                return pred.sub(clean).square().mean();
              },
              epoch -> {
                if (p.resultEpochs().contains(epoch)) {
                  showResults(p, ctx, net, manager, test, epoch);
                }
              });
      PartBTraining.writeHistory(ctx, history, ctx.id() + " (" + ctx.profile() + ")");
      PartBTraining.saveModel(ctx, net, "model.params");
      registerResults(p, ctx);
      if (p.pureNoise()) {
        meanDigit(p, ctx, net, manager, train);
      } else {
        sigmaSweep(p, ctx, net, manager, test);
      }
    }
  }

  /** x + sigma eps, or pure noise eps when sigma is negative. */
  private static NDArray noisy(NDArray clean, double sigma, Random random) {
    NDArray eps = Noise.normal(random, clean.getManager(), clean.getShape());
    return sigma < 0 ? eps : clean.add(eps.mul((float) sigma));
  }

  /** Noisy inputs and denoised outputs of the first {@code count} test images. */
  private record Evaluation(float[] clean, float[] noisy, float[] denoised, double mse) {}

  private static Evaluation evaluate(
      UNet net, NDManager manager, LabeledImages test, int count, double sigma, long seed) {
    Random random = new Random(seed);
    ParameterStore store = new ParameterStore(manager, false);
    int pixels = SIZE * SIZE;
    float[] clean = new float[count * pixels];
    float[] noisy = new float[count * pixels];
    float[] denoised = new float[count * pixels];
    double squared = 0;
    for (int from = 0; from < count; from += EVAL_BATCH) {
      int n = Math.min(EVAL_BATCH, count - from);
      try (NDScope scope = new NDScope();
          NDManager m = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
          indices[i] = from + i;
        }
        NDArray x = ImageBatches.images(test, indices, m);
        NDArray z = noisy(x, sigma, random);
        NDArray y = net.forward(store, new NDList(z), false).head();
        squared += y.sub(x).square().sum().getFloat();
        System.arraycopy(x.toFloatArray(), 0, clean, from * pixels, n * pixels);
        System.arraycopy(z.toFloatArray(), 0, noisy, from * pixels, n * pixels);
        System.arraycopy(y.toFloatArray(), 0, denoised, from * pixels, n * pixels);
      }
    }
    return new Evaluation(clean, noisy, denoised, squared / ((double) count * pixels));
  }

  private void showResults(
      Params p, ExperimentContext ctx, UNet net, NDManager manager, LabeledImages test, int epoch) {
    double sigma = p.pureNoise() ? -1 : p.trainSigma();
    Evaluation e = evaluate(net, manager, test, p.testSize(), sigma, ctx.seed() + 1);
    int k = p.shown();
    ImageGrid grid = new ImageGrid();
    if (!p.pureNoise()) {
      grid.row("clean x", SampleImages.images(e.clean(), 0, k, SIZE, SIZE));
    }
    grid.row(
            p.pureNoise() ? "input z ~ N(0, I)" : "noisy, σ = " + p.trainSigma(),
            SampleImages.images(e.noisy(), 0, k, SIZE, SIZE))
        .row("denoised", SampleImages.images(e.denoised(), 0, k, SIZE, SIZE));
    images(ctx, "results-epoch" + epoch + ".png", grid, "test results after epoch " + epoch);
    new CsvTable(
            List.of("epoch", "test MSE", "test PSNR (dB)"),
            List.of(
                List.of(
                    Integer.toString(epoch),
                    CsvTable.number(e.mse(), 5),
                    CsvTable.number(Psnr.fromMse(e.mse()), 2))))
        .write(
            ctx.output(
                "test-epoch" + epoch + ".csv", OutputKind.DATA, "test MSE after epoch " + epoch));
  }

  // Outputs of epochs trained before an interruption are in the work folder already: register
  // them again and gather the per-epoch test metrics into one table.
  private void registerResults(Params p, ExperimentContext ctx) {
    List<List<String>> rows = new ArrayList<>();
    for (int epoch : p.resultEpochs()) {
      if (epoch > p.epochs()) {
        continue;
      }
      ctx.output(
          "results-epoch" + epoch + ".png", OutputKind.FIGURE, "test results after epoch " + epoch);
      var csv =
          ctx.output(
              "test-epoch" + epoch + ".csv", OutputKind.DATA, "test MSE after epoch " + epoch);
      if (Files.exists(csv)) {
        rows.addAll(CsvTable.read(csv).rows());
      }
    }
    new CsvTable(List.of("epoch", "test MSE", "test PSNR (dB)"), rows)
        .write(ctx.output("test.csv", OutputKind.TABLE, "test MSE and PSNR per epoch"));
  }

  private void sigmaSweep(
      Params p, ExperimentContext ctx, UNet net, NDManager manager, LabeledImages test) {
    List<String> labels = new ArrayList<>();
    List<BufferedImage> noisyRow = new ArrayList<>();
    List<BufferedImage> denoisedRow = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (double sigma : p.testSigmas()) {
      Evaluation e = evaluate(net, manager, test, p.testSize(), sigma, ctx.seed() + 2);
      labels.add("σ = " + sigma);
      noisyRow.add(SampleImages.image(e.noisy(), 0, SIZE, SIZE));
      denoisedRow.add(SampleImages.image(e.denoised(), 0, SIZE, SIZE));
      double noisyMse = mse(e.noisy(), e.clean());
      rows.add(
          List.of(
              CsvTable.number(sigma, 2),
              CsvTable.number(noisyMse, 5),
              CsvTable.number(Psnr.fromMse(noisyMse), 2),
              CsvTable.number(e.mse(), 5),
              CsvTable.number(Psnr.fromMse(e.mse()), 2)));
    }
    ImageGrid grid =
        new ImageGrid().columns(labels).row("noisy", noisyRow).row("denoised", denoisedRow);
    images(ctx, "ood.png", grid, "the denoiser on noise levels it was not trained for");
    new CsvTable(
            List.of("σ", "noisy MSE", "noisy PSNR (dB)", "denoised MSE", "denoised PSNR (dB)"),
            rows)
        .write(ctx.output("ood.csv", OutputKind.TABLE, "test MSE and PSNR per noise level"));
  }

  // B1.2.3: with z independent of x the MSE-optimal output is E[x], the training-set mean.
  private void meanDigit(
      Params p, ExperimentContext ctx, UNet net, NDManager manager, LabeledImages train) {
    int pixels = SIZE * SIZE;
    float[] mean = new float[pixels];
    for (int i = 0; i < p.trainSize(); i++) {
      float[] x = train.image(i);
      for (int j = 0; j < pixels; j++) {
        mean[j] += x[j] / p.trainSize();
      }
    }
    Evaluation e = evaluate(net, manager, train, p.shown(), -1, ctx.seed() + 3);
    List<BufferedImage> outputs = SampleImages.images(e.denoised(), 0, p.shown(), SIZE, SIZE);
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < p.shown(); i++) {
      labels.add("z" + (i + 1));
    }
    labels.add("training mean");
    outputs.add(SampleImages.image(mean, 0, SIZE, SIZE));
    images(
        ctx,
        "mean.png",
        new ImageGrid().columns(labels).row("output", outputs),
        "outputs for pure-noise inputs beside the training-set mean");
    double distance = 0;
    for (int i = 0; i < p.shown(); i++) {
      float[] one = new float[pixels];
      System.arraycopy(e.denoised(), i * pixels, one, 0, pixels);
      distance += mse(one, mean) / p.shown();
    }
    new CsvTable(
            List.of("comparison", "MSE"),
            List.of(List.of("output vs training-set mean", CsvTable.number(distance, 6))))
        .write(ctx.output("mean.csv", OutputKind.TABLE, "distance of outputs to the mean digit"));
  }

  private static double mse(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return sum / a.length;
  }

  private static void images(ExperimentContext ctx, String name, ImageGrid grid, String what) {
    grid.write(84, ctx.output(name, OutputKind.FIGURE, what));
  }

  /** Width² × (3 × images trained + test images denoised after each result epoch). */
  @Override
  public OptionalDouble work(Params p) {
    double tested = (double) p.resultEpochs().size() * p.testSize();
    return OptionalDouble.of(
        (double) p.hidden() * p.hidden() * (3.0 * p.epochs() * p.trainSize() + tested));
  }
}
