package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A network conditioned on time and a one-hot class: x [N, 1, H, W], time [N, 1], classes [N, K]
 * (an all-zero row means "no class") → prediction like x.
 */
@FunctionalInterface
public interface ClassConditionedModel {
  NDArray predict(NDArray x, NDArray time, NDArray classes);
}
