package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.diffusionlab.nn.classifier.SampleScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small convolutional classifier of 28×28 grey images (three 3×3 convolutions, two of stride 2,
 * then two dense layers). It scores generated samples: does a sample prompted "a handwritten digit
 * 3" look like a 3 to a network trained on real data?
 */
public final class ImageClassifier implements AutoCloseable {
  /** Side of the input images. */
  public static final int SIDE = 28;

  private final int classes;
  private final NamedWeights weights;

  /** A classifier with fresh weights on a child of {@code manager}. */
  public ImageClassifier(int classes, NDManager manager, long seed) {
    this.classes = classes;
    this.weights = new NamedWeights(manager);
    Random random = new Random(seed);
    Layers.defineConv(weights, "conv1", 1, 32, 3, false, random);
    Layers.defineConv(weights, "conv2", 32, 64, 3, false, random);
    Layers.defineConv(weights, "conv3", 64, 64, 3, false, random);
    Layers.defineLinear(weights, "fc1", 64 * 7 * 7, 128, random);
    Layers.defineLinear(weights, "fc2", 128, classes, random);
  }

  /**
   * Loads weights saved by {@link #save}.
   *
   * @throws IOException naming the file if it does not hold this architecture
   */
  public static ImageClassifier load(Path file, int classes, NDManager manager) throws IOException {
    ImageClassifier classifier = new ImageClassifier(classes, manager, 0);
    classifier.weights.load(file);
    return classifier;
  }

  public int classes() {
    return classes;
  }

  /** The trainable tensors. */
  public NamedWeights weights() {
    return weights;
  }

  /** Saves the weights in fp16, which halves the file without a measurable change in accuracy. */
  public void save(Path file) throws IOException {
    weights.save(file, true);
  }

  /**
   * Class logits.
   *
   * @param images shape [N, 1, 28, 28], values in [0, 1]
   * @return shape [N, classes]
   */
  public NDArray logits(NDArray images) {
    NDArray x = images.sub(0.5f).mul(2f);
    x = Activation.relu(Layers.conv(weights, "conv1", x, 1));
    x = Activation.relu(Layers.conv(weights, "conv2", x, 2));
    x = Activation.relu(Layers.conv(weights, "conv3", x, 2));
    x = x.reshape(x.getShape().get(0), -1);
    x = Activation.relu(Layers.linear(weights, "fc1", x));
    return Layers.linear(weights, "fc2", x);
  }

  /**
   * Classifies images.
   *
   * @param images [N, 28 * 28] values in [0, 1], row-major
   * @return each image's verdict from its class probabilities
   */
  public SampleScorer.Verdict[] classify(float[][] images) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager m = weights.manager();
      float[] flat = new float[images.length * SIDE * SIDE];
      for (int i = 0; i < images.length; i++) {
        System.arraycopy(images[i], 0, flat, i * SIDE * SIDE, SIDE * SIDE);
      }
      NDArray x = m.create(flat, new Shape(images.length, 1, SIDE, SIDE));
      return SampleScorer.verdicts(logits(x).softmax(1).toFloatArray(), classes);
    }
  }

  @Override
  public void close() {
    weights.close();
  }
}
