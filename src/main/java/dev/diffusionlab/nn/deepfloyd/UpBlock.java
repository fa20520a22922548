package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An up block: {@code ResnetUpsampleBlock2D} or {@code SimpleCrossAttnUpBlock2D}. Each resnet first
 * concatenates the newest skip tensor on the channel axis; an optional last resnet doubles the
 * resolution.
 */
final class UpBlock {
  private final int index;
  private final List<ResnetBlock2D> resnets = new ArrayList<>();
  private final List<AddedKvAttention> attentions = new ArrayList<>();
  private final ResnetBlock2D upsampler;

  /**
   * @param in the channels of the matching down level's input (the last skip's width)
   * @param prevOut the channels coming from the block below
   * @param layers resnets in this block ({@code layers_per_block + 1})
   */
  UpBlock(
      ParameterSource params,
      int index,
      boolean withAttention,
      long in,
      long out,
      long prevOut,
      int layers,
      long headDim,
      boolean addUpsample,
      BlockSettings s) {
    this.index = index;
    String prefix = "up_blocks." + index;
    for (int i = 0; i < layers; i++) {
      long skipChannels = i == layers - 1 ? in : out;
      long resnetIn = i == 0 ? prevOut : out;
      resnets.add(
          new ResnetBlock2D(
              params,
              prefix + ".resnets." + i,
              resnetIn + skipChannels,
              out,
              s,
              Resample.NONE,
              s.outputScaleFactor()));
    }
    if (withAttention) {
      for (int i = 0; i < layers; i++) {
        attentions.add(new AddedKvAttention(params, prefix + ".attentions." + i, out, headDim, s));
      }
    }
    this.upsampler =
        addUpsample
            ? new ResnetBlock2D(
                params, prefix + ".upsamplers.0", out, out, s, Resample.UP, s.outputScaleFactor())
            : null;
  }

  /** Number of skip tensors this block consumes. */
  int skipCount() {
    return resnets.size();
  }

  /**
   * @param skips the skip stack; this block pops {@link #skipCount()} tensors from its top
   */
  NDArray forward(NDArray x, Deque<NDArray> skips, NDArray temb, NDArray text) {
    NDArray h = x;
    for (int i = 0; i < resnets.size(); i++) {
      h = h.concat(skips.pop(), 1);
      h = resnets.get(i).forward(h, temb);
      if (!attentions.isEmpty()) {
        h = attentions.get(i).forward(h, text);
      }
    }
    return upsampler == null ? h : upsampler.forward(h, temb);
  }

  int index() {
    return index;
  }
}
