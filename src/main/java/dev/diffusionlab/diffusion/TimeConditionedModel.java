package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;

/** A network as a sampler sees it: image x [N, 1, H, W] and time [N, 1] → prediction like x. */
@FunctionalInterface
public interface TimeConditionedModel {
  NDArray predict(NDArray x, NDArray time);
}
