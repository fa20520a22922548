package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;

/** diffusers' {@code TimestepEmbedding}: linear_1, GELU, linear_2. */
final class TimestepEmbedding {
  private final Linear linear1;
  private final Linear linear2;

  TimestepEmbedding(ParameterSource params, String prefix, long in, long out) {
    this.linear1 = new Linear(params, prefix + ".linear_1", in, out);
    this.linear2 = new Linear(params, prefix + ".linear_2", out, out);
  }

  /** [N, in] → [N, out]. */
  NDArray forward(NDArray features) {
    return linear2.forward(Ops.gelu(linear1.forward(features)));
  }
}
