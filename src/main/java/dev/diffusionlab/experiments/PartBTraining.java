package dev.diffusionlab.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.diffusionlab.data.Dataset;
import dev.diffusionlab.data.DatasetFetcher;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.nn.unet.UNet;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.LossChart;
import dev.diffusionlab.training.EpochRecord;
import dev.diffusionlab.training.TrainingHistory;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Wiring shared by the part B training experiments: data, model set-up, loss outputs. */
final class PartBTraining {
  private PartBTraining() {}

  static LabeledImages train(ExperimentContext ctx) {
    return DatasetFetcher.standard(ctx.progress()).train(Dataset.MNIST);
  }

  static LabeledImages test(ExperimentContext ctx) {
    return DatasetFetcher.standard(ctx.progress()).test(Dataset.MNIST);
  }

  /** A UNet initialised from the experiment's seed (the engine's generator draws the weights). */
  static UNet unet(NDManager manager, UNetConfig config, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    UNet net = new UNet(config);
    net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
    return net;
  }

  /** An epoch needs at least one full batch: {@code train_size >= batch_size}. */
  static void requireBatches(int trainSize, int batchSize) {
    if (trainSize < batchSize) {
      throw new InvalidParamsException(
          "train_size", "expected at least batch_size (" + batchSize + "), got " + trainSize);
    }
  }

  /** Checks a count against what the data set holds. */
  static void requireAtMost(String field, int value, int available) {
    if (value > available) {
      throw new InvalidParamsException(
          field, "MNIST has " + available + " images, " + value + " requested");
    }
  }

  /** loss.csv (every step), loss.png (log-y with EMA) and epochs.csv (time, resident memory). */
  static void writeHistory(ExperimentContext ctx, TrainingHistory history, String title) {
    float[] losses = history.stepLosses();
    int perEpoch = history.epochs().isEmpty() ? 1 : losses.length / history.epochs().size();
    List<List<String>> rows = new ArrayList<>();
    double[] x = new double[losses.length];
    double[] y = new double[losses.length];
    for (int i = 0; i < losses.length; i++) {
      x[i] = i + 1;
      y[i] = losses[i];
      rows.add(
          List.of(
              Integer.toString(i + 1),
              Integer.toString(i / Math.max(perEpoch, 1) + 1),
              CsvTable.number(losses[i], 6)));
    }
    new CsvTable(List.of("step", "epoch", "loss"), rows)
        .write(ctx.output("loss.csv", OutputKind.DATA, "training loss of every step"));
    if (losses.length > 0) {
      new LossChart(title, "step", "MSE loss", true)
          .add("loss", x, y, 0.9)
          .writePng(ctx.output("loss.png", OutputKind.CHART, "training loss"), 720, 400);
    }
    List<List<String>> epochs = new ArrayList<>();
    for (EpochRecord r : history.epochs()) {
      epochs.add(
          List.of(
              Integer.toString(r.epoch()),
              CsvTable.number(r.meanLoss(), 5),
              CsvTable.number(r.seconds(), 1),
              Long.toString(r.residentMiB())));
    }
    new CsvTable(List.of("epoch", "mean loss", "seconds", "resident memory (MiB)"), epochs)
        .write(ctx.output("epochs.csv", OutputKind.TABLE, "per-epoch loss, time and memory"));
  }

  /** The outputs {@link #writeHistory} and {@link #saveModel} write for a training of n epochs. */
  static List<DeclaredOutput> historyOutputs(int epochs, String weights) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(new DeclaredOutput("loss.csv", OutputKind.DATA, "training loss of every step"));
    if (epochs > 0) {
      outputs.add(new DeclaredOutput("loss.png", OutputKind.CHART, "training loss"));
    }
    outputs.add(
        new DeclaredOutput("epochs.csv", OutputKind.TABLE, "per-epoch loss, time and memory"));
    outputs.add(new DeclaredOutput(weights, OutputKind.CHECKPOINT, "trained weights (DJL format)"));
    return outputs;
  }

  /** The trained weights, byte-stable for the same seed and profile. */
  static void saveModel(ExperimentContext ctx, Block block, String fileName) throws IOException {
    Path file = ctx.output(fileName, OutputKind.CHECKPOINT, "trained weights (DJL format)");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      block.saveParameters(out);
    }
  }

  /** Loads weights written by {@link #saveModel} into an initialised block. */
  static void loadModel(NDManager manager, Block block, Path file) throws Exception {
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      block.loadParameters(manager, in);
    }
  }
}
