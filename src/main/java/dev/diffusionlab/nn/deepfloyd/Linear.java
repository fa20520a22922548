package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;

/** {@code torch.nn.Linear}: y = x W^T + b over the last axis; weight [out, in], bias [out]. */
final class Linear {
  private final NDArray weight;
  private final NDArray bias;

  Linear(ParameterSource params, String prefix, long in, long out) {
    this.weight = params.parameter(prefix + ".weight", out, in);
    this.bias = params.parameter(prefix + ".bias", out);
  }

  NDArray forward(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
