package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.Random;

/**
 * Functional layers over {@link NamedWeights}: each layer has a {@code define} that creates its
 * weights under a name prefix and an apply method that reads them. Activations come first in every
 * operation so results belong to the activation's scope, never to the weights' manager.
 */
public final class Layers {
  private Layers() {}

  /** Defines a k×k convolution with PyTorch's default initialisation, or zeros if {@code zero}. */
  public static void defineConv(
      NamedWeights w, String name, int in, int out, int k, boolean zero, Random random) {
    double bound = zero ? 0 : 1 / Math.sqrt(in * k * k);
    w.uniform(name + ".weight", new Shape(out, in, k, k), bound, random);
    w.uniform(name + ".bias", new Shape(out), bound, random);
  }

  /** A k×k convolution with "same" padding and the given stride, x [N, C, H, W]. */
  public static NDArray conv(NamedWeights w, String name, NDArray x, int stride) {
    NDArray weight = w.get(name + ".weight");
    long k = weight.getShape().get(2);
    long pad = k / 2;
    return Conv2d.conv2d(
            x,
            weight,
            w.get(name + ".bias"),
            new Shape(stride, stride),
            new Shape(pad, pad),
            new Shape(1, 1))
        .singletonOrThrow();
  }

  /** Defines a dense layer. */
  public static void defineLinear(NamedWeights w, String name, int in, int out, Random random) {
    double bound = 1 / Math.sqrt(in);
    w.uniform(name + ".weight", new Shape(out, in), bound, random);
    w.uniform(name + ".bias", new Shape(out), bound, random);
  }

  /** A dense layer over the last axis. */
  public static NDArray linear(NamedWeights w, String name, NDArray x) {
    return Linear.linear(x, w.get(name + ".weight"), w.get(name + ".bias")).singletonOrThrow();
  }

  /** Defines a group norm's scale (ones) and shift (zeros). */
  public static void defineGroupNorm(NamedWeights w, String name, int channels) {
    w.constant(name + ".weight", new Shape(channels), 1f);
    w.constant(name + ".bias", new Shape(channels), 0f);
  }

  /** Group normalisation of x [N, C, H, W] over {@code groups} channel groups (eps 1e-5). */
  public static NDArray groupNorm(NamedWeights w, String name, NDArray x, int groups) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    NDArray grouped = x.reshape(n, groups, -1);
    NDArray mean = grouped.mean(new int[] {2}, true);
    NDArray centered = grouped.sub(mean);
    NDArray variance = centered.square().mean(new int[] {2}, true);
    NDArray normalized = centered.div(variance.add(1e-5f).sqrt()).reshape(shape);
    NDArray scale = w.get(name + ".weight").reshape(1, c, 1, 1);
    NDArray shift = w.get(name + ".bias").reshape(1, c, 1, 1);
    return normalized.mul(scale).add(shift);
  }

  /** SiLU (swish): x * sigmoid(x). */
  public static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** [N, C, 2H, 2W] → [N, 4C, H, W]: each 2×2 block of pixels becomes four channels. */
  public static NDArray spaceToDepth(NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2) / 2;
    long wd = s.get(3) / 2;
    return x.reshape(n, c, h, 2, wd, 2).transpose(0, 1, 3, 5, 2, 4).reshape(n, c * 4, h, wd);
  }

  /** The inverse of {@link #spaceToDepth}: [N, 4C, H, W] → [N, C, 2H, 2W]. */
  public static NDArray depthToSpace(NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1) / 4;
    long h = s.get(2);
    long wd = s.get(3);
    return x.reshape(n, c, 2, 2, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * 2, wd * 2);
  }

  /** Nearest-neighbour upsampling by 2 of x [N, C, H, W]. */
  public static NDArray upsample2(NDArray x) {
    return x.repeat(2, 2).repeat(3, 2);
  }
}
