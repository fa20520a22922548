package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Parameter-free operations of the IF UNet, each as PyTorch computes it. */
final class Ops {
  private Ops() {}

  /** {@code nn.GELU()}: the exact erf form {@code 0.5 x (1 + erf(x / sqrt 2))}, not tanh. */
  static NDArray gelu(NDArray x) {
    return ai.djl.nn.Activation.gelu(x);
  }

  /** {@code F.interpolate(scale_factor=2, mode="nearest")} on [N, C, H, W]. */
  static NDArray upsampleNearest2x(NDArray x) {
    return x.repeat(2, 2).repeat(3, 2);
  }

  /** {@code nn.AvgPool2d(2, 2)} on [N, C, H, W] (diffusers' Downsample2D without conv). */
  static NDArray avgPool2x(NDArray x) {
    return x.getNDArrayInternal()
        .avgPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
  }
}
