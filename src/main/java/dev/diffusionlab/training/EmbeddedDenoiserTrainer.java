package dev.diffusionlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.data.Shuffle;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.EmbeddedUNet;
import dev.diffusionlab.nn.HybridLoss;
import dev.diffusionlab.util.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains the {@link EmbeddedUNet} as a text-to-image diffusion model on labelled images: each image
 * gets its class prompt, the generic prompt with probability {@code genericProbability}, or the
 * empty prompt with probability {@code dropProbability} (for classifier-free guidance); t is
 * uniform in [0, T) of the cosine schedule; the objective is {@link HybridLoss}. Keeps an
 * exponential moving average of the weights, which is what sampling uses.
 *
 * <p>All randomness (order, t, prompts, noise) comes from Java generators seeded per epoch and
 * batch, so a run resumed from an epoch {@link Checkpoint} continues exactly as an uninterrupted
 * one.
 */
public final class EmbeddedDenoiserTrainer {

  /**
   * Training settings.
   *
   * @param epochs passes over the data
   * @param batchSize images per step
   * @param learningRate peak learning rate; linear warm-up over the first 200 steps, then cosine
   *     decay to a tenth
   * @param emaDecay decay of the weight average
   * @param dropProbability chance that an image's prompt becomes ""
   * @param genericProbability chance that an image's prompt becomes the generic one
   * @param seed seed of every random choice and of the initial weights
   */
  public record Settings(
      int epochs,
      int batchSize,
      double learningRate,
      double emaDecay,
      double dropProbability,
      double genericProbability,
      long seed) {}

  /** One epoch's averages. */
  public record EpochStats(int epoch, double loss, double mse, double vlb, double seconds) {}

  private static final int WARMUP_STEPS = 200;
  private static final String MODEL = "model.safetensors";
  private static final String AVERAGE = "ema.safetensors";
  private static final String ADAM = "adam.safetensors";

  /** What a checkpoint's JSON holds besides its tensors. */
  private record State(long steps, List<EpochStats> epochs) {}

  private final EmbeddedUNet.Config config;
  private final Settings settings;
  private final NoiseSchedule schedule;
  private final Progress progress;

  public EmbeddedDenoiserTrainer(
      EmbeddedUNet.Config config, Settings settings, NoiseSchedule schedule, Progress progress) {
    this.config = config;
    this.settings = settings;
    this.schedule = schedule;
    this.progress = progress;
  }

  /**
   * Trains, resuming from the last complete epoch checkpoint found in {@code workDir}, and writes
   * the averaged weights to {@code result}.
   *
   * @param stepsLog receives one CSV line "step,loss,mse,vlb" per step; a fresh start empties it
   *     and a resume keeps exactly the lines of the epochs its checkpoint holds
   * @return the statistics of every epoch, including resumed ones
   */
  public List<EpochStats> train(LabeledImages data, Path workDir, Path result, Path stepsLog)
      throws IOException {
    Files.createDirectories(workDir);
    int stepsPerEpoch = data.count() / settings.batchSize();
    long totalSteps = (long) stepsPerEpoch * settings.epochs();
    HybridLoss loss = new HybridLoss(schedule);
    LrSchedule rates =
        new LrSchedule.WarmupCosine(settings.learningRate(), WARMUP_STEPS, totalSteps);
    try (NDManager manager = NDManager.newBaseManager();
        EmbeddedUNet model = new EmbeddedUNet(config, manager, settings.seed());
        EmbeddedUNet average = new EmbeddedUNet(config, manager, settings.seed());
        Adam adam = Adam.clipped(model.weights(), 1.0)) {
      model.weights().requireGradients(true);
      List<EpochStats> stats = new ArrayList<>();
      int firstEpoch = resume(workDir, model, average, adam, stats, stepsLog);
      for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
        stats.add(runEpoch(epoch, data, model, average, adam, loss, rates, stepsLog));
        checkpoint(workDir, epoch, model, average, adam, stats);
      }
      average.weights().save(result, true);
      return stats;
    }
  }

  private EpochStats runEpoch(
      int epoch,
      LabeledImages data,
      EmbeddedUNet model,
      EmbeddedUNet average,
      Adam adam,
      HybridLoss loss,
      LrSchedule rates,
      Path stepsLog)
      throws IOException {
    Ema ema = new Ema(settings.emaDecay());
    int batch = settings.batchSize();
    int steps = data.count() / batch;
    int[] order =
        Shuffle.permutation(data.count(), new SplittableRandom(settings.seed() * 7919 + epoch));
    double sumLoss = 0;
    double sumMse = 0;
    double sumVlb = 0;
    long start = System.nanoTime();
    StringBuilder log = new StringBuilder();
    try (Progress.Task task =
        progress.start("epoch " + (epoch + 1) + "/" + settings.epochs(), steps)) {
      for (int s = 0; s < steps; s++) {
        SplittableRandom random = new SplittableRandom(settings.seed() ^ (epoch * 1_000_003L + s));
        double[] terms = trainStep(data, order, s * batch, random, model, loss, adam, rates);
        ema.update(average.weights(), model.weights(), adam.steps());
        sumLoss += terms[0];
        sumMse += terms[1];
        sumVlb += terms[2];
        log.append(adam.steps())
            .append(',')
            .append((float) terms[0])
            .append(',')
            .append((float) terms[1])
            .append(',')
            .append((float) terms[2])
            .append('\n');
        task.update(s + 1, "loss", String.format("%.4f", sumLoss / (s + 1)));
      }
    }
    Files.writeString(
        stepsLog,
        log.toString(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EpochStats(epoch + 1, sumLoss / steps, sumMse / steps, sumVlb / steps, seconds);
  }

  /** One optimisation step; every array it creates is closed when it returns. */
  private double[] trainStep(
      LabeledImages data,
      int[] order,
      int offset,
      SplittableRandom random,
      EmbeddedUNet model,
      HybridLoss loss,
      Adam adam,
      LrSchedule rates) {
    int batch = settings.batchSize();
    int side = data.side();
    int pixels = side * side;
    float[] x0 = new float[batch * pixels];
    float[] eps = new float[batch * pixels];
    float[] prompts = new float[batch * EmbeddedPrompts.DIM];
    int[] timesteps = new int[batch];
    float[] sqrtAbar = new float[batch];
    float[] sqrtOneMinus = new float[batch];
    for (int i = 0; i < batch; i++) {
      int index = order[offset + i];
      data.copySigned(index, x0, i * pixels);
      for (int p = 0; p < pixels; p++) {
        eps[i * pixels + p] = (float) gaussian(random);
      }
      timesteps[i] = random.nextInt(schedule.numTrainTimesteps());
      float abar = schedule.alphaCumprod(timesteps[i]);
      sqrtAbar[i] = (float) Math.sqrt(abar);
      sqrtOneMinus[i] = (float) Math.sqrt(1 - abar);
      double u = random.nextDouble();
      if (u >= settings.dropProbability()) {
        boolean generic = u < settings.dropProbability() + settings.genericProbability();
        int hot = generic ? EmbeddedPrompts.CLASSES : data.labels()[index];
        prompts[i * EmbeddedPrompts.DIM + hot] = 1f;
      }
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager m = model.weights().manager();
      Shape imageShape = new Shape(batch, 1, side, side);
      NDArray clean = m.create(x0, imageShape);
      NDArray noise = m.create(eps, imageShape);
      // A1.1 forward process per sample.
      NDArray noisy =
          clean
              .mul(m.create(sqrtAbar).reshape(batch, 1, 1, 1))
              .add(noise.mul(m.create(sqrtOneMinus).reshape(batch, 1, 1, 1)));
      NDArray t = m.create(timesteps).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      NDArray embeds = m.create(prompts, new Shape(batch, 1, EmbeddedPrompts.DIM));
      double[] values = new double[3];
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        HybridLoss.Terms terms = loss.compute(model.forward(noisy, t, embeds), noise, timesteps);
        collector.backward(terms.total());
        values[0] = terms.total().getFloat();
        values[1] = terms.mse().getFloat();
        values[2] = terms.vlb().getFloat();
      }
      adam.step(rates.at(adam.steps()));
      return values;
    }
  }

  private int resume(
      Path workDir,
      EmbeddedUNet model,
      EmbeddedUNet average,
      Adam adam,
      List<EpochStats> stats,
      Path stepsLog)
      throws IOException {
    java.util.Optional<Checkpoint> found = Checkpoint.latest(workDir);
    if (found.isEmpty()) {
      Files.deleteIfExists(stepsLog);
      return 0;
    }
    Checkpoint checkpoint = found.get();
    State state = checkpoint.state(State.class);
    stats.addAll(state.epochs());
    model.weights().load(checkpoint.file(MODEL));
    average.weights().load(checkpoint.file(AVERAGE));
    adam.load(checkpoint.file(ADAM), state.steps());
    keepFirstLines(stepsLog, state.steps());
    progress.log("resuming after epoch " + checkpoint.epoch() + " from " + workDir);
    return checkpoint.epoch();
  }

  /** Drops the log lines of steps after the checkpoint (an epoch that ran but was not saved). */
  private static void keepFirstLines(Path log, long lines) throws IOException {
    if (!Files.exists(log)) {
      return;
    }
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    if (all.size() < lines) {
      throw new IOException(log + " has " + all.size() + " steps, the checkpoint " + lines);
    }
    StringBuilder kept = new StringBuilder();
    for (String line : all.subList(0, (int) lines)) {
      kept.append(line).append('\n');
    }
    Files.writeString(log, kept.toString(), StandardCharsets.UTF_8);
  }

  private void checkpoint(
      Path workDir,
      int epoch,
      EmbeddedUNet model,
      EmbeddedUNet average,
      Adam adam,
      List<EpochStats> stats)
      throws IOException {
    Checkpoint.write(
        workDir,
        epoch + 1,
        folder -> {
          model.weights().save(folder.resolve(MODEL), false);
          average.weights().save(folder.resolve(AVERAGE), false);
          adam.save(folder.resolve(ADAM));
        },
        new State(adam.steps(), List.copyOf(stats)));
    EpochStats last = stats.get(stats.size() - 1);
    progress.log(
        String.format(
            "epoch %d: loss %.4f (mse %.4f, vlb %.4f) in %.0f s",
            epoch + 1, last.loss(), last.mse(), last.vlb(), last.seconds()));
  }

  /** A standard normal draw (Box–Muller), since SplittableRandom has no nextGaussian in Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
