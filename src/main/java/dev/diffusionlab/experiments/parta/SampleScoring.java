package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDManager;
import dev.diffusionlab.experiments.DependencyOutputs;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.ImageClassifier;
import java.io.IOException;

/** Loads the project's classifier from its experiment's outputs and scores images with it. */
final class SampleScoring implements AutoCloseable {
  private final NDManager manager = NDManager.newBaseManager();
  private final ImageClassifier classifier;

  SampleScoring(DependencyOutputs classifierEntry) throws IOException {
    this.classifier =
        ImageClassifier.load(
            classifierEntry.file(ClassifierTraining.WEIGHTS), EmbeddedPrompts.CLASSES, manager);
  }

  /** Verdicts for [28 * 28] images with values in [0, 1]. */
  ImageClassifier.Verdict[] classify(float[][] images) {
    return classifier.classify(images);
  }

  @Override
  public void close() {
    classifier.close();
    manager.close();
  }
}
