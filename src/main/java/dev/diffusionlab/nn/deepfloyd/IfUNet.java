package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * DeepFloyd IF stage I's UNet ({@code UNet2DConditionModel} as diffusers configures it for IF),
 * built from a {@link UNetConfig} with parameters from a {@link ParameterSource}.
 *
 * <p>Data flow: sinusoidal timestep features → {@code time_embedding}; the raw T5 states are pooled
 * by {@code add_embedding} and added to it ({@code emb}, given to every resnet), and projected by
 * {@code encoder_hid_proj} to the width every cross-attention uses. Then {@code conv_in}, the down
 * blocks (collecting skips), the mid block, the up blocks (consuming skips), GroupNorm, GELU and
 * {@code conv_out} to 6 channels (noise, learned-range variance).
 */
public final class IfUNet {
  private final UNetConfig config;
  private final TimestepFeatures timeProj;
  private final TimestepEmbedding timeEmbedding;
  private final Linear encoderHidProj;
  private final TextTimeEmbedding addEmbedding;
  private final Conv2d convIn;
  private final List<DownBlock> downBlocks = new ArrayList<>();
  private final List<UpBlock> upBlocks = new ArrayList<>();
  private final MidBlock midBlock;
  private final GroupNorm convNormOut;
  private final Conv2d convOut;

  /**
   * Builds the module tree, asking {@code params} for every parameter in diffusers' naming.
   *
   * @throws IllegalArgumentException if a parameter is missing or has another shape
   */
  public IfUNet(UNetConfig config, ParameterSource params) {
    this.config = config;
    List<Integer> channels = config.blockOutChannels();
    int levels = config.levels();
    long c0 = channels.get(0);
    long temb = config.timeEmbedDim();
    BlockSettings s =
        new BlockSettings(
            temb,
            config.normNumGroups(),
            config.normEps(),
            config.crossAttentionDim(),
            config.resnetSkipTimeAct(),
            config.resnetOutScaleFactor());

    this.convIn = new Conv2d(params, "conv_in", config.inChannels(), c0, config.convInKernel());
    this.timeProj = new TimestepFeatures((int) c0, config.flipSinToCos(), config.freqShift());
    this.timeEmbedding = new TimestepEmbedding(params, "time_embedding", c0, temb);
    this.encoderHidProj =
        new Linear(params, "encoder_hid_proj", config.encoderHidDim(), config.crossAttentionDim());
    this.addEmbedding =
        new TextTimeEmbedding(
            params, "add_embedding", config.encoderHidDim(), temb, config.additionEmbedHeads());

    long out = c0;
    for (int i = 0; i < levels; i++) {
      long in = out;
      out = channels.get(i);
      downBlocks.add(
          new DownBlock(
              params,
              i,
              config.downBlockTypes().get(i).equals(UNetConfig.ATTN_DOWN),
              in,
              out,
              config.layersPerBlock().get(i),
              config.attentionHeadDim().get(i),
              i < levels - 1,
              s));
    }

    out = channels.get(levels - 1);
    for (int i = 0; i < levels; i++) {
      int level = levels - 1 - i;
      long prevOut = out;
      out = channels.get(level);
      long in = channels.get(Math.max(level - 1, 0));
      upBlocks.add(
          new UpBlock(
              params,
              i,
              config.upBlockTypes().get(i).equals(UNetConfig.ATTN_UP),
              in,
              out,
              prevOut,
              config.layersPerBlock().get(level) + 1,
              config.attentionHeadDim().get(level),
              i < levels - 1,
              s));
    }
    this.midBlock =
        new MidBlock(
            params,
            channels.get(levels - 1),
            config.attentionHeadDim().get(levels - 1),
            s,
            config.midBlockScaleFactor());
    this.convNormOut =
        new GroupNorm(params, "conv_norm_out", config.normNumGroups(), c0, config.normEps());
    this.convOut = new Conv2d(params, "conv_out", c0, config.outChannels(), config.convOutKernel());
  }

  /** The config this UNet was built from. */
  public UNetConfig config() {
    return config;
  }

  /**
   * One evaluation. Intermediates live in a scope closed before returning; the result belongs to
   * the manager of {@code sample}.
   *
   * @param sample x_t [N, 3, H, W], H and W multiples of 2^(levels-1)
   * @param timesteps [N] timestep values (any numeric type)
   * @param encoderHiddenStates raw T5 states [N, L, encoder_hid_dim]
   * @param tap receives named intermediates (see {@link ActivationTap})
   * @return [N, 6, H, W] in the dtype of {@code sample}
   */
  public NDArray forward(
      NDArray sample, NDArray timesteps, NDArray encoderHiddenStates, ActivationTap tap) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray result = forwardInScope(sample, timesteps, encoderHiddenStates, tap);
      NDScope.unregister(result);
      return result;
    }
  }

  /** {@link #forward(NDArray, NDArray, NDArray, ActivationTap)} without a tap. */
  public NDArray forward(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates) {
    return forward(sample, timesteps, encoderHiddenStates, ActivationTap.NONE);
  }

  private NDArray forwardInScope(
      NDArray sample, NDArray timesteps, NDArray rawText, ActivationTap tap) {
    DataType type = sample.getDataType();
    NDArray features = timeProj.forward(timesteps);
    tap.capture("time_proj", features);
    NDArray timeEmb = timeEmbedding.forward(features.toType(type, false));
    tap.capture("time_embedding", timeEmb);
    NDArray textEmb = addEmbedding.forward(rawText.toType(type, false));
    tap.capture("add_embedding", textEmb);
    NDArray emb = timeEmb.add(textEmb);
    tap.capture("emb", emb);
    NDArray text = encoderHidProj.forward(rawText.toType(type, false));
    tap.capture("encoder_hid_proj", text);

    NDArray h = convIn.forward(sample);
    tap.capture("conv_in", h);
    Deque<NDArray> skips = new ArrayDeque<>();
    skips.push(h);
    for (int i = 0; i < downBlocks.size(); i++) {
      DownBlock.Output output = downBlocks.get(i).forward(h, emb, text, tap);
      h = output.hidden();
      tap.capture("down" + i, h);
      for (int k = 0; k < output.skips().size(); k++) {
        tap.capture("down" + i + ".res" + k, output.skips().get(k));
        skips.push(output.skips().get(k));
      }
    }
    h = midBlock.forward(h, emb, text);
    tap.capture("mid", h);
    for (UpBlock block : upBlocks) {
      h = block.forward(h, skips, emb, text);
      tap.capture("up" + block.index(), h);
    }
    h = convNormOut.forward(h);
    tap.capture("conv_norm_out", h);
    h = convOut.forward(Ops.gelu(h));
    tap.capture("conv_out", h);
    return h;
  }
}
