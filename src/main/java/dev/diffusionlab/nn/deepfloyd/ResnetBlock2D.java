package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * diffusers' {@code ResnetBlock2D} with {@code time_embedding_norm="scale_shift"} and GELU: {@code
 * h = conv1(resample(gelu(norm1(x))))}, {@code (scale, shift) = time_emb_proj(gelu(temb))}, {@code
 * h = conv2(gelu(norm2(h) (1 + scale) + shift))}, output {@code (shortcut(resample(x)) + h) /
 * outputScaleFactor}.
 */
final class ResnetBlock2D {
  private final long outChannels;
  private final Resample resample;
  private final boolean skipTimeAct;
  private final float outputScaleFactor;
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final Linear timeEmbProj;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d convShortcut;

  ResnetBlock2D(
      ParameterSource params,
      String prefix,
      long in,
      long out,
      BlockSettings settings,
      Resample resample,
      double outputScaleFactor) {
    this.outChannels = out;
    this.resample = resample;
    this.skipTimeAct = settings.skipTimeAct();
    this.outputScaleFactor = (float) outputScaleFactor;
    this.norm1 = new GroupNorm(params, prefix + ".norm1", settings.groups(), in, settings.eps());
    this.conv1 = new Conv2d(params, prefix + ".conv1", in, out, 3);
    this.timeEmbProj =
        new Linear(params, prefix + ".time_emb_proj", settings.tembChannels(), 2 * out);
    this.norm2 = new GroupNorm(params, prefix + ".norm2", settings.groups(), out, settings.eps());
    this.conv2 = new Conv2d(params, prefix + ".conv2", out, out, 3);
    this.convShortcut =
        in == out ? null : new Conv2d(params, prefix + ".conv_shortcut", in, out, 1);
  }

  /**
   * @param x [N, in, H, W]
   * @param temb the time embedding [N, tembChannels]
   * @return [N, out, H', W'] with H' = H/2, H or 2H depending on the resampling
   */
  NDArray forward(NDArray x, NDArray temb) {
    NDArray h = Ops.gelu(norm1.forward(x));
    NDArray shortcut = x;
    if (resample == Resample.UP) {
      shortcut = Ops.upsampleNearest2x(shortcut);
      h = Ops.upsampleNearest2x(h);
    } else if (resample == Resample.DOWN) {
      shortcut = Ops.avgPool2x(shortcut);
      h = Ops.avgPool2x(h);
    }
    h = conv1.forward(h);
    NDArray t = timeEmbProj.forward(skipTimeAct ? temb : Ops.gelu(temb));
    NDList scaleShift = t.expandDims(2).expandDims(3).split(new long[] {outChannels}, 1);
    h = norm2.forward(h).mul(scaleShift.get(0).add(1f)).add(scaleShift.get(1));
    h = conv2.forward(Ops.gelu(h));
    if (convShortcut != null) {
      shortcut = convShortcut.forward(shortcut);
    }
    NDArray sum = shortcut.add(h);
    return outputScaleFactor == 1f ? sum : sum.div(outputScaleFactor);
  }
}
