package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code torch.nn.Conv2d} with stride 1 and "same" padding; weight [out, in, k, k]. */
final class Conv2d {
  private final NDArray weight;
  private final NDArray bias;
  private final Shape padding;

  Conv2d(ParameterSource params, String prefix, long in, long out, int kernel) {
    this.weight = params.parameter(prefix + ".weight", out, in, kernel, kernel);
    this.bias = params.parameter(prefix + ".bias", out);
    this.padding = new Shape((kernel - 1) / 2, (kernel - 1) / 2);
  }

  /** x [N, in, H, W] → [N, out, H, W]. */
  NDArray forward(NDArray x) {
    return ai.djl.nn.convolutional.Conv2d.conv2d(
            x, weight, bias, new Shape(1, 1), padding, new Shape(1, 1), 1)
        .singletonOrThrow();
  }
}
