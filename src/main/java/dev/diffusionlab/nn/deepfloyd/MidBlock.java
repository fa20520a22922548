package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;

/** {@code UNetMidBlock2DSimpleCrossAttn} with one layer: resnet, attention, resnet. */
final class MidBlock {
  private final AddedKvAttention attention;
  private final ResnetBlock2D first;
  private final ResnetBlock2D second;

  MidBlock(ParameterSource params, long channels, long headDim, BlockSettings s, double scale) {
    // Registration order of diffusers' module (attentions before resnets) keeps the key order.
    this.attention = new AddedKvAttention(params, "mid_block.attentions.0", channels, headDim, s);
    this.first =
        new ResnetBlock2D(
            params, "mid_block.resnets.0", channels, channels, s, Resample.NONE, scale);
    this.second =
        new ResnetBlock2D(
            params, "mid_block.resnets.1", channels, channels, s, Resample.NONE, scale);
  }

  NDArray forward(NDArray x, NDArray temb, NDArray text) {
    NDArray h = first.forward(x, temb);
    h = attention.forward(h, text);
    return second.forward(h, temb);
  }
}
