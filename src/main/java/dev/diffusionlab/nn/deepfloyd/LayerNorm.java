package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code torch.nn.LayerNorm} over the last axis (eps 1e-5, affine), via the engine's kernel. */
final class LayerNorm {
  private static final float EPS = 1e-5f;
  private final long dim;
  private final NDArray weight;
  private final NDArray bias;

  LayerNorm(ParameterSource params, String prefix, long dim) {
    this.dim = dim;
    this.weight = params.parameter(prefix + ".weight", dim);
    this.bias = params.parameter(prefix + ".bias", dim);
  }

  NDArray forward(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight, bias, EPS)
        .singletonOrThrow();
  }
}
