package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate activations during a forward pass, like forward hooks in PyTorch.
 * Names follow the reference fixture ({@code time_proj}, {@code down0.resnet0}, {@code mid}, ...).
 * The arrays are closed when the forward pass ends; copy what you keep.
 */
@FunctionalInterface
public interface ActivationTap {

  /** A tap that ignores everything. */
  ActivationTap NONE = (name, value) -> {};

  /** Called once per named activation, in the order the network computes them. */
  void capture(String name, NDArray value);
}
