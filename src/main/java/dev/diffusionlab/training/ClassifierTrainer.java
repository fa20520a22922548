package dev.diffusionlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.data.Shuffle;
import dev.diffusionlab.nn.ImageClassifier;
import dev.diffusionlab.nn.classifier.SampleScorer;
import dev.diffusionlab.util.Progress;
import java.util.SplittableRandom;

/**
 * Trains an {@link ImageClassifier} with {@link Adam} (gradients clipped to norm 5) and softmax
 * cross-entropy (learning rate decayed along a cosine to a tenth, images shifted by up to {@value
 * #MAX_SHIFT} pixels); measures accuracy.
 */
public final class ClassifierTrainer {
  /** Largest random translation, in pixels, of a training image along each axis. */
  static final int MAX_SHIFT = 2;

  private final int epochs;
  private final int batchSize;
  private final double learningRate;
  private final long seed;
  private final Progress progress;

  public ClassifierTrainer(
      int epochs, int batchSize, double learningRate, long seed, Progress progress) {
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.learningRate = learningRate;
    this.seed = seed;
    this.progress = progress;
  }

  /** Trains in place; shuffling is seeded per epoch, so runs repeat exactly. */
  public void train(ImageClassifier classifier, LabeledImages data) {
    classifier.weights().requireGradients(true);
    try (Adam adam = Adam.clipped(classifier.weights(), 5.0)) {
      int steps = data.count() / batchSize;
      LrSchedule schedule = new LrSchedule.WarmupCosine(learningRate, 0, (long) epochs * steps);
      for (int epoch = 0; epoch < epochs; epoch++) {
        int[] order = Shuffle.permutation(data.count(), new SplittableRandom(seed * 31 + epoch));
        SplittableRandom shifts = new SplittableRandom(seed * 37 + epoch);
        double sum = 0;
        try (Progress.Task task =
            progress.start("classifier epoch " + (epoch + 1) + "/" + epochs, steps)) {
          for (int s = 0; s < steps; s++) {
            double rate = schedule.at(adam.steps());
            sum += step(classifier, data, order, s * batchSize, adam, rate, shifts);
            task.update(s + 1, "loss", sum / (s + 1));
          }
        }
      }
    }
    classifier.weights().requireGradients(false);
  }

  private double step(
      ImageClassifier classifier,
      LabeledImages data,
      int[] order,
      int offset,
      Adam adam,
      double rate,
      SplittableRandom shifts) {
    int side = ImageClassifier.SIDE;
    float[] pixels = new float[batchSize * side * side];
    float[] oneHot = new float[batchSize * classifier.classes()];
    for (int i = 0; i < batchSize; i++) {
      int index = order[offset + i];
      float[] image =
          shifted(
              data.image(index),
              side,
              shifts.nextInt(-MAX_SHIFT, MAX_SHIFT + 1),
              shifts.nextInt(-MAX_SHIFT, MAX_SHIFT + 1));
      System.arraycopy(image, 0, pixels, i * side * side, image.length);
      oneHot[i * classifier.classes() + data.labels()[index]] = 1f;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager m = classifier.weights().manager();
      NDArray x = m.create(pixels, new Shape(batchSize, 1, side, side));
      NDArray y = m.create(oneHot, new Shape(batchSize, classifier.classes()));
      double value;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = classifier.logits(x).logSoftmax(1).mul(y).sum().neg().div(batchSize);
        collector.backward(loss);
        value = loss.getFloat();
      }
      adam.step(rate);
      return value;
    }
  }

  /** The image moved by (dx, dy) pixels; what enters from outside is black. */
  static float[] shifted(float[] image, int side, int dx, int dy) {
    if (dx == 0 && dy == 0) {
      return image;
    }
    float[] out = new float[image.length];
    for (int y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
      for (int x = Math.max(0, dx); x < Math.min(side, side + dx); x++) {
        out[y * side + x] = image[(y - dy) * side + (x - dx)];
      }
    }
    return out;
  }

  /**
   * Per class of {@code data}: {@code [class][0]} images classified correctly, {@code [class][1]}
   * images in all.
   */
  public static int[][] correctPerClass(ImageClassifier classifier, LabeledImages data) {
    int[][] counts = new int[classifier.classes()][2];
    int batch = 500;
    for (int start = 0; start < data.count(); start += batch) {
      int n = Math.min(batch, data.count() - start);
      float[][] images = new float[n][];
      for (int i = 0; i < n; i++) {
        images[i] = data.image(start + i);
      }
      SampleScorer.Verdict[] verdicts = classifier.classify(images);
      for (int i = 0; i < n; i++) {
        int label = data.labels()[start + i];
        counts[label][1]++;
        if (verdicts[i].label() == label) {
          counts[label][0]++;
        }
      }
    }
    return counts;
  }
}
