package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * One batch of regression examples for a time-conditioned network.
 *
 * @param noisy the network's image input [N, 1, H, W]
 * @param time the normalised time t/T or t in [0, 1], [N, 1]
 * @param target what the network should predict [N, 1, H, W]
 */
public record TrainingPair(NDArray noisy, NDArray time, NDArray target) {}
