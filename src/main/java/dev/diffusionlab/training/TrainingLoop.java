package dev.diffusionlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.diffusionlab.data.Shuffle;
import dev.diffusionlab.util.Progress;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, resumable training loop: Adam over shuffled batches, a checkpoint of model and
 * optimizer after every epoch, and every step's arrays closed when the step ends.
 *
 * <p>All randomness after initialisation comes from a {@link Random} derived from the seed and the
 * epoch, so an interrupted training resumed from its last complete epoch produces the same bytes as
 * one that never stopped.
 */
public final class TrainingLoop {
  private static final int MAGIC = 0x444c434b;
  private static final String PREFIX = "checkpoint-epoch-";

  private final Block model;
  private final NDManager manager;
  private final TrainingPlan plan;
  private final long seed;
  private final Path workDir;
  private final Progress progress;
  private final String name;

  /** Called after each completed epoch, before its checkpoint is written. */
  @FunctionalInterface
  public interface EpochListener {
    /** {@code epoch} is 1-based. */
    void epochDone(int epoch) throws Exception;
  }

  /**
   * @param model an initialised block
   * @param manager owns the optimizer state
   * @param workDir where checkpoints live; a checkpoint found there is resumed from
   */
  public TrainingLoop(
      Block model,
      NDManager manager,
      TrainingPlan plan,
      long seed,
      Path workDir,
      Progress progress,
      String name) {
    this.model = model;
    this.manager = manager;
    this.plan = plan;
    this.seed = seed;
    this.workDir = workDir;
    this.progress = progress;
    this.name = name;
  }

  /** Trains every epoch the checkpoint in the work folder does not already hold. */
  public TrainingHistory run(StepLoss loss, EpochListener listener) throws Exception {
    AdamOptimizer adam = new AdamOptimizer(model, manager);
    List<Float> losses = new ArrayList<>();
    List<EpochRecord> records = new ArrayList<>();
    int start = resume(adam, losses, records);
    if (start > 0) {
      progress.log(name + ": resuming after epoch " + start + " from " + workDir);
    }
    ParameterStore store = new ParameterStore(manager, false);
    for (int epoch = start; epoch < plan.epochs(); epoch++) {
      long began = System.nanoTime();
      double sum = trainEpoch(epoch, adam, store, loss, losses);
      double seconds = (System.nanoTime() - began) / 1e9;
      records.add(
          new EpochRecord(
              epoch + 1, sum / plan.stepsPerEpoch(), seconds, ResidentMemory.mebibytes()));
      listener.epochDone(epoch + 1);
      writeCheckpoint(epoch + 1, adam, losses, records);
    }
    float[] steps = new float[losses.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = losses.get(i);
    }
    return new TrainingHistory(steps, List.copyOf(records));
  }

  private double trainEpoch(
      int epoch, AdamOptimizer adam, ParameterStore store, StepLoss loss, List<Float> losses) {
    Random random = new Random(seed * 1_000_003L + epoch);
    int[] order = Shuffle.permutation(plan.trainSize(), random);
    float lr = plan.learningRate(epoch);
    double sum = 0;
    String label = name + " epoch " + (epoch + 1) + "/" + plan.epochs();
    try (Progress.Task task = progress.start(label, plan.stepsPerEpoch())) {
      for (int step = 0; step < plan.stepsPerEpoch(); step++) {
        int[] batch = new int[plan.batchSize()];
        System.arraycopy(order, step * plan.batchSize(), batch, 0, batch.length);
        float value = step(adam, store, loss, batch, random, lr);
        losses.add(value);
        sum += value;
        task.update(step + 1, "loss", value);
      }
    }
    return sum;
  }

  // Every array of the step (inputs, activations, gradients) is closed with the scope and the
  // step's manager, so native memory stays flat across steps.
  private float step(
      AdamOptimizer adam,
      ParameterStore store,
      StepLoss loss,
      int[] batch,
      Random random,
      float lr) {
    try (NDScope scope = new NDScope();
        NDManager stepManager = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      float value;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray l = loss.loss(stepManager, store, batch, random);
        collector.backward(l);
        value = l.getFloat();
      }
      adam.step(lr);
      return value;
    }
  }

  private int resume(AdamOptimizer adam, List<Float> losses, List<EpochRecord> records)
      throws IOException {
    int last = lastCheckpointEpoch();
    if (last <= 0) {
      return 0;
    }
    Path file = workDir.resolve(PREFIX + last + ".bin");
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || in.readInt() != last) {
        throw new IOException(file + " is not a checkpoint of epoch " + last);
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        losses.add(in.readFloat());
      }
      int epochs = in.readInt();
      for (int i = 0; i < epochs; i++) {
        records.add(new EpochRecord(in.readInt(), in.readDouble(), in.readDouble(), in.readLong()));
      }
      model.loadParameters(manager, in);
      // Loading replaces the arrays; the new ones must record gradients like the initial ones.
      for (ai.djl.nn.Parameter p : model.getParameters().values()) {
        if (p.requiresGradient()) {
          p.getArray().setRequiresGradient(true);
        }
      }
      adam.load(in);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return Math.min(last, plan.epochs());
  }

  private int lastCheckpointEpoch() throws IOException {
    int last = 0;
    if (!Files.isDirectory(workDir)) {
      return 0;
    }
    try (var files = Files.list(workDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String f = p.getFileName().toString();
        if (f.startsWith(PREFIX) && f.endsWith(".bin")) {
          last = Math.max(last, Integer.parseInt(f.substring(PREFIX.length(), f.length() - 4)));
        }
      }
    }
    return last;
  }

  // Written to a temporary name and renamed, so a checkpoint file is either complete or absent;
  // the previous epoch's checkpoint is removed only once the new one is in place.
  private void writeCheckpoint(
      int epoch, AdamOptimizer adam, List<Float> losses, List<EpochRecord> records)
      throws IOException {
    Path tmp = workDir.resolve(PREFIX + epoch + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(epoch);
      out.writeInt(losses.size());
      for (float l : losses) {
        out.writeFloat(l);
      }
      out.writeInt(records.size());
      for (EpochRecord r : records) {
        out.writeInt(r.epoch());
        out.writeDouble(r.meanLoss());
        out.writeDouble(r.seconds());
        out.writeLong(r.residentMiB());
      }
      model.saveParameters(out);
      adam.save(out);
    }
    Files.move(
        tmp,
        workDir.resolve(PREFIX + epoch + ".bin"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(workDir.resolve(PREFIX + (epoch - 1) + ".bin"));
  }
}
