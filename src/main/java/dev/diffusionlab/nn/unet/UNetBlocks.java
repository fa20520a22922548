package dev.diffusionlab.nn.unet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The building blocks of the part B UNet, exactly as the assignment draws them. Input channels are
 * inferred when a block is initialised, so each factory takes only the output width.
 */
public final class UNetBlocks {
  private UNetBlocks() {}

  /** Conv: 3×3 convolution (stride 1, padding 1), BatchNorm, GELU; keeps H×W. */
  public static SequentialBlock conv(int out) {
    return normGelu(
        Conv2d.builder()
            .setKernelShape(new Shape(3, 3))
            .optPadding(new Shape(1, 1))
            .setFilters(out)
            .build());
  }

  /** DownConv: 3×3 convolution with stride 2 (padding 1), BatchNorm, GELU; halves H×W. */
  public static SequentialBlock downConv(int out) {
    return normGelu(
        Conv2d.builder()
            .setKernelShape(new Shape(3, 3))
            .optStride(new Shape(2, 2))
            .optPadding(new Shape(1, 1))
            .setFilters(out)
            .build());
  }

  /** UpConv: 4×4 transposed convolution with stride 2 (padding 1), BatchNorm, GELU; doubles H×W. */
  public static SequentialBlock upConv(int out) {
    return normGelu(TransposedConv2d.upsample2x(out));
  }

  /** Flatten: 7×7 average pool then GELU; [N, C, 7, 7] → [N, C, 1, 1]. */
  public static SequentialBlock flatten() {
    return new SequentialBlock()
        .add(Pool.avgPool2dBlock(new Shape(7, 7), new Shape(7, 7)))
        .add(Activation.geluBlock());
  }

  /** Unflatten: 7×7 transposed convolution with stride 7, BatchNorm, GELU; 1×1 → 7×7. */
  public static SequentialBlock unflatten(int channels) {
    return normGelu(TransposedConv2d.fromPoint(channels, 7));
  }

  /** ConvBlock: Conv(in → out) then Conv(out → out). */
  public static SequentialBlock convBlock(int out) {
    return new SequentialBlock().add(conv(out)).add(conv(out));
  }

  /** DownBlock: DownConv(in → out) then ConvBlock(out → out). */
  public static SequentialBlock downBlock(int out) {
    return new SequentialBlock().add(downConv(out)).add(convBlock(out));
  }

  /** UpBlock: UpConv(in → out) then ConvBlock(out → out). */
  public static SequentialBlock upBlock(int out) {
    return new SequentialBlock().add(upConv(out)).add(convBlock(out));
  }

  /** FCBlock: Linear(in → out), GELU, Linear(out → out); [N, in] → [N, out]. */
  public static SequentialBlock fcBlock(int out) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(out).build())
        .add(Activation.geluBlock())
        .add(Linear.builder().setUnits(out).build());
  }

  private static SequentialBlock normGelu(ai.djl.nn.Block convolution) {
    return new SequentialBlock()
        .add(convolution)
        .add(BatchNorm.builder().build())
        .add(Activation.geluBlock());
  }
}
