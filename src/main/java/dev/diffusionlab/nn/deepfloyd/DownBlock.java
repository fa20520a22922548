package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * A down block: {@code ResnetDownsampleBlock2D} (resnets only) or {@code
 * SimpleCrossAttnDownBlock2D} (each resnet followed by an {@link AddedKvAttention}), optionally
 * ending in a resnet that halves the resolution. Every resnet/attention output and the
 * downsampler's output become skip tensors for the up path.
 */
final class DownBlock {
  private final int index;
  private final List<ResnetBlock2D> resnets = new ArrayList<>();
  private final List<AddedKvAttention> attentions = new ArrayList<>();
  private final ResnetBlock2D downsampler;

  /** What a down block hands on: its output and the skip tensors in order. */
  record Output(NDArray hidden, List<NDArray> skips) {}

  DownBlock(
      ParameterSource params,
      int index,
      boolean withAttention,
      long in,
      long out,
      int layers,
      long headDim,
      boolean addDownsample,
      BlockSettings s) {
    this.index = index;
    String prefix = "down_blocks." + index;
    for (int i = 0; i < layers; i++) {
      resnets.add(
          new ResnetBlock2D(
              params,
              prefix + ".resnets." + i,
              i == 0 ? in : out,
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
    this.downsampler =
        addDownsample
            ? new ResnetBlock2D(
                params,
                prefix + ".downsamplers.0",
                out,
                out,
                s,
                Resample.DOWN,
                s.outputScaleFactor())
            : null;
  }

  Output forward(NDArray x, NDArray temb, NDArray text, ActivationTap tap) {
    List<NDArray> skips = new ArrayList<>();
    NDArray h = x;
    for (int i = 0; i < resnets.size(); i++) {
      h = resnets.get(i).forward(h, temb);
      tap.capture("down" + index + ".resnet" + i, h);
      if (!attentions.isEmpty()) {
        h = attentions.get(i).forward(h, text);
        tap.capture("down" + index + ".attn" + i, h);
      }
      skips.add(h);
    }
    if (downsampler != null) {
      h = downsampler.forward(h, temb);
      tap.capture("down" + index + ".downsampler", h);
      skips.add(h);
    }
    return new Output(h, skips);
  }
}
