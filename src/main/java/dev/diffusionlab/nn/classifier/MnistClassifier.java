package dev.diffusionlab.nn.classifier;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * A small convolutional MNIST classifier that scores generated digits: two 3×3 convolutions (32 and
 * 64 channels) each followed by ReLU and 2×2 max pooling, then Linear(128), ReLU, Linear(10). Input
 * [N, 1, 28, 28] in [0, 1]; output logits [N, 10].
 */
public final class MnistClassifier {
  private MnistClassifier() {}

  /** The input shape for a batch of {@code n}. */
  public static Shape inputShape(long n) {
    return new Shape(n, 1, 28, 28);
  }

  /** A new, uninitialised classifier. */
  public static SequentialBlock block() {
    return new SequentialBlock()
        .add(convolution(32))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(convolution(64))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(128).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(10).build());
  }

  private static Conv2d convolution(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }
}
