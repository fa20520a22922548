package dev.diffusionlab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.diffusionlab.data.ImageBatches;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.data.Npy;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.DiffusionObjective;
import dev.diffusionlab.diffusion.FlowMatchEulerScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.TrainingPair;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.diffusion.pipelines.NoiseEstimator;
import dev.diffusionlab.nn.unet.Conditioning;
import dev.diffusionlab.nn.unet.UNet;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.report.AnimatedGif;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.report.SampleImages;
import dev.diffusionlab.tensor.Noise;
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
import java.util.TreeSet;

/**
 * B2.1–B2.6: a time-conditioned (optionally also class-conditioned) UNet trained with the DDPM
 * objective (predict eps, ancestral sampling) or flow matching (predict x1 - x0, Euler sampling),
 * with samples after chosen epochs. Class-conditioned samples use classifier-free guidance.
 */
public final class DiffusionUNetExperiment
    implements ExperimentType<DiffusionUNetExperiment.Params> {
  private static final int SIZE = UNetConfig.IMAGE_SIZE;
  private static final int CLASSES = 10;

  /** The width of a sample in the grids, in pixels: 28 × 2. */
  private static final int CELL = 56;

  /** The parameters; {@code types diffusion-unet} lists them. */
  public record Params(
      @Param("ddpm or flow") String objective,
      @Param("B2.4: also condition on a one-hot class (dropped with p_uncond)")
          boolean classConditioned,
      @Param(value = "UNet width D", min = 1, max = 1024) int hidden,
      @Param(value = "images per step", min = 1, max = 60000) int batchSize,
      @Param(value = "Adam's initial learning rate", min = 0, minExclusive = true, max = 10)
          double learningRate,
      @Param(
              value = "the learning rate after training relative to the first (B2.1: 0.1)",
              min = 0,
              minExclusive = true,
              max = 1)
          double finalLrFactor,
      @Param(value = "passes over the training subset", min = 0, max = 1000) int epochs,
      @Param(
              value = "training images used (the first ones of MNIST's training set)",
              min = 1,
              max = 60000)
          int trainSize,
      @Param(value = "epochs after which samples are drawn (the last epoch always is)", min = 1)
          List<Integer> sampleEpochs,
      @Param(
              value = "samples of each digit (class-conditioned) or 10 times this many",
              min = 1,
              max = 100)
          int samplesPerClass,
      @Param(value = "the classifier-free guidance scale gamma (B2.5: 5)", min = 0, max = 100)
          double guidance,
      @Param(value = "DDPM's T (300) with betas linear from 1e-4 to 0.02", min = 2, max = 10_000)
          int timesteps,
      @Param(value = "Euler steps of the flow-matching sampler (50), at most timesteps", min = 1)
          int samplingSteps,
      @Param(
              value = "probability that a training example's class is zeroed (0.1)",
              min = 0,
              max = 1,
              maxExclusive = true)
          double pUncond,
      @Param(
              value =
                  "frames of the sampling animation after the last epoch (0: the final samples only)",
              min = 0,
              max = 1000)
          int gifFrames) {}

  @Override
  public String summary() {
    return "B2: a time- (and class-) conditioned UNet trained by DDPM or flow matching";
  }

  @Override
  public String name() {
    return "diffusion-unet";
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

  // B2 course settings for DDPM (flow matching overrides batch 64, lr 1e-2, 10 epochs).
  @Override
  public Map<String, Object> defaults() {
    return Map.ofEntries(
        Map.entry("objective", "ddpm"),
        Map.entry("class_conditioned", false),
        Map.entry("hidden", 64),
        Map.entry("batch_size", 128),
        Map.entry("learning_rate", 1e-3),
        Map.entry("final_lr_factor", 0.1),
        Map.entry("epochs", 20),
        Map.entry("train_size", 60000),
        Map.entry("sample_epochs", List.of(1, 5, 10, 15, 20)),
        Map.entry("samples_per_class", 4),
        Map.entry("guidance", 5.0),
        Map.entry("timesteps", 300),
        Map.entry("sampling_steps", 50),
        Map.entry("p_uncond", 0.1),
        Map.entry("gif_frames", 24));
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs =
        new ArrayList<>(PartBTraining.historyOutputs(p.epochs(), "model.params"));
    for (int epoch : sampleEpochs(p)) {
      outputs.add(
          new DeclaredOutput(
              "samples-epoch" + epoch + ".npy", OutputKind.DATA, "samples after epoch " + epoch));
      outputs.add(
          new DeclaredOutput(
              "samples-epoch" + epoch + ".png", OutputKind.FIGURE, "samples after epoch " + epoch));
    }
    if (!sampleEpochs(p).isEmpty()) {
      for (int i = 0; i < CLASSES * p.samplesPerClass(); i++) {
        outputs.add(
            new DeclaredOutput(
                individualName(p, i), OutputKind.FIGURE, "one sample after the last epoch"));
      }
      outputs.add(new DeclaredOutput("index.json", OutputKind.DATA, "the individual samples"));
      if (p.gifFrames() > 0) {
        outputs.add(new DeclaredOutput("sampling.gif", OutputKind.FIGURE, "sampling animation"));
      }
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    if (!List.of("ddpm", "flow").contains(p.objective())) {
      throw new InvalidParamsException(
          "objective", "expected ddpm or flow, got '" + p.objective() + "'");
    }
    PartBTraining.requireBatches(p.trainSize(), p.batchSize());
    if (p.samplingSteps() > p.timesteps()) {
      throw new InvalidParamsException(
          "sampling_steps",
          "expected at most timesteps (" + p.timesteps() + "), got " + p.samplingSteps());
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    LabeledImages train = PartBTraining.train(ctx);
    DiffusionObjective objective = DiffusionObjective.named(p.objective(), p.timesteps());
    DenoisingLoop sampler =
        new DenoisingLoop(
            p.objective().equals("ddpm")
                ? DdpmScheduler.course(NoiseSchedule.linear(p.timesteps(), 1e-4, 0.02))
                : new FlowMatchEulerScheduler(p.samplingSteps()));
    Conditioning conditioning =
        p.classConditioned() ? Conditioning.TIME_AND_CLASS : Conditioning.TIME;
    TreeSet<Integer> sampleEpochs = sampleEpochs(p);
    try (NDManager manager = NDManager.newBaseManager()) {
      UNet net =
          PartBTraining.unet(manager, UNetConfig.mnist(p.hidden(), conditioning), ctx.seed());
      TrainingPlan plan =
          new TrainingPlan(
              p.epochs(), p.batchSize(), p.learningRate(), p.finalLrFactor(), p.trainSize());
      TrainingLoop loop =
          new TrainingLoop(net, manager, plan, ctx.seed(), ctx.workDir(), ctx.progress(), ctx.id());
      TrainingHistory history =
          loop.run(
              (m, store, indices, random) -> {
                TrainingPair pair = objective.pair(ImageBatches.images(train, indices, m), random);
                NDList inputs = new NDList(pair.noisy(), pair.time());
                if (p.classConditioned()) {
                  inputs.add(
                      droppedOneHot(ImageBatches.labels(train, indices), p.pUncond(), random, m));
                }
                NDArray pred = net.forward(store, inputs, true).head();
                return pred.sub(pair.target()).square().mean();
              },
              epoch -> {
                if (sampleEpochs.contains(epoch)) {
                  writeSamples(p, ctx, net, manager, sampler, epoch, epoch == p.epochs());
                }
              });
      PartBTraining.writeHistory(ctx, history, ctx.id() + " (" + ctx.profile() + ")");
      PartBTraining.saveModel(ctx, net, "model.params");
      registerSamples(p, ctx, sampleEpochs);
    }
  }

  private static TreeSet<Integer> sampleEpochs(Params p) {
    TreeSet<Integer> epochs = new TreeSet<>();
    for (int e : p.sampleEpochs()) {
      if (e <= p.epochs()) {
        epochs.add(e);
      }
    }
    if (p.epochs() > 0) {
      epochs.add(p.epochs());
    }
    return epochs;
  }

  // B2.4: the class is replaced by the all-zero vector with probability p_uncond, which teaches
  // the same network the unconditional prediction that guidance needs.
  private static NDArray droppedOneHot(int[] labels, double pUncond, Random random, NDManager m) {
    int[] kept = labels.clone();
    for (int i = 0; i < kept.length; i++) {
      if (random.nextDouble() < pUncond) {
        kept[i] = -1;
      }
    }
    return ImageBatches.oneHot(kept, CLASSES, m);
  }

  /** The intended class of sample {@code i}: samples are grouped by class, then by repeat. */
  static int intendedClass(int i, int samplesPerClass) {
    return i / samplesPerClass;
  }

  private void writeSamples(
      Params p,
      ExperimentContext ctx,
      UNet net,
      NDManager manager,
      DenoisingLoop sampler,
      int epoch,
      boolean last) {
    int n = CLASSES * p.samplesPerClass();
    List<BufferedImage> frames = new ArrayList<>();
    int every =
        p.gifFrames() > 0 ? Math.max(1, sampler.steps() / p.gifFrames()) : Integer.MAX_VALUE;
    float[] samples;
    try (NDManager m = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(manager, false);
      NoiseEstimator model;
      if (p.classConditioned()) {
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
          classes[i] = intendedClass(i, p.samplesPerClass());
        }
        NDArray oneHot = ImageBatches.oneHot(classes, CLASSES, m);
        model =
            ClassifierFreeGuidance.classes(
                (x, t, c) -> net.forward(store, new NDList(x, t, c), false).head(),
                oneHot,
                sampler.scheduler(),
                p.guidance());
      } else {
        model =
            NoiseEstimator.timeConditioned(
                (x, t) -> net.forward(store, new NDList(x, t), false).head(), sampler.scheduler());
      }
      // The same starting noise after every epoch, so the rows show the network changing; the
      // stream seed + 7 is the one the committed samples were drawn from.
      NDArray x =
          sampler.sample(
              m,
              new Shape(n, 1, SIZE, SIZE),
              model,
              Noise.seeded(ctx.seed() + 7),
              (step, t, current) -> {
                if (last
                    && p.gifFrames() > 0
                    && step > 0
                    && (step % every == 0 || step == sampler.steps())) {
                  frames.add(grid(p, current.toFloatArray()).render(CELL));
                }
              });
      samples = x.toFloatArray();
    }
    Npy.write(
        ctx.output(
            "samples-epoch" + epoch + ".npy", OutputKind.DATA, "samples after epoch " + epoch),
        samples,
        n,
        1,
        SIZE,
        SIZE);
    grid(p, samples)
        .write(
            CELL,
            ctx.output(
                "samples-epoch" + epoch + ".png",
                OutputKind.FIGURE,
                "samples after epoch " + epoch));
    if (last) {
      writeIndividual(p, ctx, samples, epoch);
      if (!frames.isEmpty()) {
        AnimatedGif.write(
            frames, 120, ctx.output("sampling.gif", OutputKind.FIGURE, "sampling animation"));
      }
    }
  }

  /** The samples of each class in a column, labelled with its digit when class-conditioned. */
  private static ImageGrid grid(Params p, float[] samples) {
    int k = p.samplesPerClass();
    ImageGrid grid = new ImageGrid();
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < CLASSES; c++) {
      labels.add(p.classConditioned() ? Integer.toString(c) : "");
    }
    grid.columns(labels);
    for (int s = 0; s < k; s++) {
      List<BufferedImage> row = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        row.add(SampleImages.image(samples, c * k + s, SIZE, SIZE));
      }
      grid.row("", row);
    }
    return grid;
  }

  private static String individualName(Params p, int i) {
    int k = p.samplesPerClass();
    return p.classConditioned()
        ? "class" + intendedClass(i, k) + "-s" + (i % k + 1) + ".png"
        : "sample" + (i + 1) + ".png";
  }

  private void writeIndividual(Params p, ExperimentContext ctx, float[] samples, int epoch) {
    SampleIndex index = new SampleIndex().put("objective", p.objective()).put("epoch", epoch);
    for (int i = 0; i < CLASSES * p.samplesPerClass(); i++) {
      String name = individualName(p, i);
      Images.writePng(
          SampleImages.image(samples, i, SIZE, SIZE),
          ctx.output(name, OutputKind.FIGURE, "one sample after epoch " + epoch));
      boolean conditioned = p.classConditioned();
      index.add(
          new SampleIndex.Sample(
              name,
              null,
              epoch,
              conditioned ? intendedClass(i, p.samplesPerClass()) : null,
              null,
              null,
              conditioned ? p.guidance() : null));
    }
    index.write(ctx.output("index.json", OutputKind.DATA, "the individual samples"));
  }

  // Samples of epochs trained before an interruption are already in the work folder.
  private void registerSamples(Params p, ExperimentContext ctx, TreeSet<Integer> epochs) {
    for (int epoch : epochs) {
      ctx.output("samples-epoch" + epoch + ".npy", OutputKind.DATA, "samples after epoch " + epoch);
      ctx.output(
          "samples-epoch" + epoch + ".png", OutputKind.FIGURE, "samples after epoch " + epoch);
    }
    if (p.epochs() > 0) {
      for (int i = 0; i < CLASSES * p.samplesPerClass(); i++) {
        ctx.output(individualName(p, i), OutputKind.FIGURE, "one sample after the last epoch");
      }
      ctx.output("index.json", OutputKind.DATA, "the individual samples");
      if (p.gifFrames() > 0 && Files.exists(ctx.workDir().resolve("sampling.gif"))) {
        ctx.output("sampling.gif", OutputKind.FIGURE, "sampling animation");
      }
    }
  }

  /**
   * Width² × (3 × images trained, for forward and backward, + the network evaluations of sampling:
   * every sampled epoch's samples × steps, twice with guidance).
   */
  @Override
  public OptionalDouble work(Params p) {
    double samples = 10.0 * p.samplesPerClass() * (p.classConditioned() ? 2 : 1);
    int steps = p.objective().equals("ddpm") ? p.timesteps() : p.samplingSteps();
    double sampled = (p.sampleEpochs().size() + 1) * samples * steps;
    return OptionalDouble.of(
        (double) p.hidden() * p.hidden() * (3.0 * p.epochs() * p.trainSize() + sampled));
  }
}
