package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.experiments.DependencyOutputs;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.ImageClassifier;
import dev.diffusionlab.nn.classifier.SampleScorer;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.tensor.ImageRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Loads the project's classifier from its experiment's outputs and scores images with it. */
final class SampleScoring implements AutoCloseable {
  private final NDManager manager = NDManager.newBaseManager();
  private final ImageClassifier classifier;

  SampleScoring(DependencyOutputs classifierEntry) throws IOException {
    this.classifier =
        ImageClassifier.load(
            classifierEntry.file(ClassifierTraining.WEIGHTS), EmbeddedPrompts.CLASSES, manager);
  }

  /** The verdict of each image of a batch [N, C, 28, 28] in [-1, 1] (shown to it in grey). */
  SampleScorer.Verdict[] verdicts(NDArray images) {
    int n = (int) images.getShape().get(0);
    float[][] grey = new float[n][];
    for (int i = 0; i < n; i++) {
      grey[i] = grey(images, i);
    }
    return classifier.classify(grey);
  }

  /** One row per image: its verdict, ticked when it is the prompt's class, and that probability. */
  List<List<String>> verdictRows(NDArray images, int item, String view, String prompt) {
    SampleScorer.Verdict[] verdicts = verdicts(images);
    int target = EmbeddedPrompts.classOf(prompt).orElse(-1);
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < verdicts.length; i++) {
      rows.add(
          List.of(
              Integer.toString(item),
              view,
              Frames.label(prompt),
              Integer.toString(i + 1),
              EmbeddedPrompts.shortName(verdicts[i].label())
                  + (verdicts[i].label() == target ? " ✓" : ""),
              target >= 0 ? CsvTable.number(verdicts[i].probabilities()[target], 2) : "n/a"));
    }
    return rows;
  }

  /** Image {@code i} of a batch as [H * W] grey values in [0, 1], for the classifier. */
  private static float[] grey(NDArray batch, int i) {
    long[] s = batch.getShape().getShape();
    int plane = (int) (s[2] * s[3]);
    float[] values = batch.get(i).toType(DataType.FLOAT32, false).toFloatArray();
    float[] out = new float[plane];
    for (int p = 0; p < plane; p++) {
      float sum = 0;
      for (int c = 0; c < s[1]; c++) {
        sum += values[c * plane + p];
      }
      out[p] = (float) ImageRange.signedToUnitClipped(sum / s[1]);
    }
    return out;
  }

  @Override
  public void close() {
    classifier.close();
    manager.close();
  }
}
