package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.GroupNorm} over axis 1 of [N, C, ...]: each group of C/G channels is normalised
 * by its own mean and biased variance, then scaled and shifted per channel. DJL has no functional
 * group norm, so it is written out; statistics are always float32 so fp16 weights stay stable.
 */
final class GroupNorm {
  private final int groups;
  private final long channels;
  private final float eps;
  private final NDArray weight;
  private final NDArray bias;

  GroupNorm(ParameterSource params, String prefix, int groups, long channels, double eps) {
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          prefix + ": " + channels + " channels do not split into " + groups + " groups");
    }
    this.groups = groups;
    this.channels = channels;
    this.eps = (float) eps;
    this.weight = params.parameter(prefix + ".weight", channels);
    this.bias = params.parameter(prefix + ".bias", channels);
  }

  NDArray forward(NDArray x) {
    Shape shape = x.getShape();
    DataType type = x.getDataType();
    NDArray grouped = x.toType(DataType.FLOAT32, false).reshape(shape.get(0), groups, -1);
    NDArray mean = grouped.mean(new int[] {2}, true);
    NDArray centered = grouped.sub(mean);
    NDArray variance = centered.square().mean(new int[] {2}, true);
    NDArray normed = centered.div(variance.add(eps).sqrt()).reshape(shape);
    long[] perChannel = new long[shape.dimension()];
    java.util.Arrays.fill(perChannel, 1L);
    perChannel[1] = channels;
    NDArray gamma = weight.toType(DataType.FLOAT32, false).reshape(perChannel);
    NDArray beta = bias.toType(DataType.FLOAT32, false).reshape(perChannel);
    return normed.mul(gamma).add(beta).toType(type, false);
  }
}
