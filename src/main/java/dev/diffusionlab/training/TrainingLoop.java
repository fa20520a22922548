package dev.diffusionlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.diffusionlab.data.Shuffle;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A seeded, resumable training loop: {@link Adam} over shuffled batches with the plan's {@link
 * LrSchedule}, a {@link Checkpoint} of model, optimizer and losses after every epoch, and every
 * step's arrays closed when the step ends.
 *
 * <p>All randomness after initialisation comes from a {@link Random} derived from the seed and the
 * epoch, so an interrupted training resumed from its last complete epoch produces the same bytes as
 * one that never stopped.
 */
public final class TrainingLoop {
  private static final String MODEL = "model.safetensors";
  private static final String ADAM = "adam.safetensors";
  private static final String LOSSES = "losses.safetensors";

  /** What a checkpoint's JSON holds besides its tensors. */
  private record State(long steps, int stepLosses, List<EpochRecord> epochs) {}

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
    try (Adam adam = Adam.of(model, manager)) {
      return run(adam, loss, listener);
    }
  }

  private TrainingHistory run(Adam adam, StepLoss loss, EpochListener listener) throws Exception {
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
      int epoch, Adam adam, ParameterStore store, StepLoss loss, List<Float> losses) {
    Random random = new Random(seed * 1_000_003L + epoch);
    int[] order = Shuffle.permutation(plan.trainSize(), random);
    LrSchedule schedule = plan.schedule();
    double sum = 0;
    String label = name + " epoch " + (epoch + 1) + "/" + plan.epochs();
    try (Progress.Task task = progress.start(label, plan.stepsPerEpoch())) {
      for (int step = 0; step < plan.stepsPerEpoch(); step++) {
        int[] batch = new int[plan.batchSize()];
        System.arraycopy(order, step * plan.batchSize(), batch, 0, batch.length);
        float value = step(adam, store, loss, batch, random, schedule.at(adam.steps()));
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
      Adam adam, ParameterStore store, StepLoss loss, int[] batch, Random random, double lr) {
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

  private int resume(Adam adam, List<Float> losses, List<EpochRecord> records) throws IOException {
    Optional<Checkpoint> found = Checkpoint.latest(workDir);
    if (found.isEmpty()) {
      return 0;
    }
    Checkpoint checkpoint = found.get();
    State state = checkpoint.state(State.class);
    SafeTensors.copyInto(checkpoint.file(MODEL), parameters());
    adam.load(checkpoint.file(ADAM), state.steps());
    try (NDManager scratch = manager.newSubManager()) {
      NDArray stored = scratch.zeros(new ai.djl.ndarray.types.Shape(state.stepLosses()));
      SafeTensors.copyInto(checkpoint.file(LOSSES), Map.of("loss", stored));
      for (float l : stored.toFloatArray()) {
        losses.add(l);
      }
    }
    records.addAll(state.epochs());
    return Math.min(checkpoint.epoch(), plan.epochs());
  }

  /** Every parameter of the model by its key, trainable or not. */
  private Map<String, NDArray> parameters() {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : model.getParameters()) {
      if (byName.put(p.getKey(), p.getValue().getArray()) != null) {
        throw new IllegalStateException("two parameters named " + p.getKey());
      }
    }
    return byName;
  }

  private void writeCheckpoint(int epoch, Adam adam, List<Float> losses, List<EpochRecord> records)
      throws IOException {
    float[] values = new float[losses.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = losses.get(i);
    }
    Checkpoint.write(
        workDir,
        epoch,
        folder -> {
          Checkpoint.writeTensors(folder.resolve(MODEL), parameters());
          adam.save(folder.resolve(ADAM));
          try (NDManager scratch = manager.newSubManager()) {
            Checkpoint.writeTensors(folder.resolve(LOSSES), Map.of("loss", scratch.create(values)));
          }
        },
        new State(adam.steps(), values.length, List.copyOf(records)));
  }
}
