package dev.diffusionlab.nn.deepfloyd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sizes of a DeepFloyd IF stage I UNet as diffusers' {@code UNet2DConditionModel} config.json
 * states them. Every size comes from the file, so IF-I-M, IF-I-L and IF-I-XL (and the tiny test
 * model) load through the same code; options that IF does not use are rejected by name.
 *
 * @param inChannels image channels in (3)
 * @param outChannels noise and variance channels out (6)
 * @param blockOutChannels channels per resolution level, e.g. 704·[1,2,3,4] for IF-I-XL
 * @param layersPerBlock resnets per down block at each level
 * @param attentionHeadDim per-head width at each level
 * @param downBlockTypes diffusers block class per level
 * @param upBlockTypes diffusers block class per level, deepest first
 * @param normNumGroups GroupNorm groups of resnets and spatial attention norms
 * @param normEps GroupNorm epsilon
 * @param crossAttentionDim width of the projected text states
 * @param encoderHidDim width of the raw text states (T5-XXL: 4096)
 * @param additionEmbedHeads heads of the text pooling
 * @param timeEmbedDim time embedding width
 * @param flipSinToCos timestep features as [cos, sin]
 * @param freqShift {@code freq_shift} of the timestep features
 * @param sampleSize training resolution (64 for stage I)
 * @param convInKernel kernel of {@code conv_in}
 * @param convOutKernel kernel of {@code conv_out}
 * @param midBlockScaleFactor output scale of the mid block's resnets
 * @param resnetOutScaleFactor output scale of the other resnets
 * @param resnetSkipTimeAct whether resnets skip the GELU on the time embedding
 */
public record UNetConfig(
    int inChannels,
    int outChannels,
    List<Integer> blockOutChannels,
    List<Integer> layersPerBlock,
    List<Integer> attentionHeadDim,
    List<String> downBlockTypes,
    List<String> upBlockTypes,
    int normNumGroups,
    double normEps,
    int crossAttentionDim,
    int encoderHidDim,
    int additionEmbedHeads,
    int timeEmbedDim,
    boolean flipSinToCos,
    double freqShift,
    int sampleSize,
    int convInKernel,
    int convOutKernel,
    double midBlockScaleFactor,
    double resnetOutScaleFactor,
    boolean resnetSkipTimeAct) {

  public static final String RESNET_DOWN = "ResnetDownsampleBlock2D";
  public static final String ATTN_DOWN = "SimpleCrossAttnDownBlock2D";
  public static final String RESNET_UP = "ResnetUpsampleBlock2D";
  public static final String ATTN_UP = "SimpleCrossAttnUpBlock2D";
  public static final String MID = "UNetMidBlock2DSimpleCrossAttn";

  /** The widest layer accepted: IF-I-XL's widest is 2816. */
  private static final int MAX_WIDTH = 65_536;

  /** Options whose only supported value is the one IF stage I uses. */
  private static final Map<String, Object> REQUIRED =
      Map.ofEntries(
          Map.entry("act_fn", "gelu"),
          Map.entry("resnet_time_scale_shift", "scale_shift"),
          Map.entry("cross_attention_norm", "group_norm"),
          Map.entry("encoder_hid_dim_type", "text_proj"),
          Map.entry("addition_embed_type", "text"),
          Map.entry("time_embedding_type", "positional"),
          Map.entry("mid_block_type", MID));

  /** Options that IF leaves unset (null or false); anything else would change the network. */
  private static final List<String> MUST_BE_OFF =
      List.of(
          "class_embed_type",
          "num_class_embeds",
          "time_cond_proj_dim",
          "timestep_post_act",
          "time_embedding_act_fn",
          "center_input_sample",
          "only_cross_attention",
          "mid_block_only_cross_attention",
          "dual_cross_attention",
          "upcast_attention",
          "use_linear_projection",
          "class_embeddings_concat",
          "addition_time_embed_dim",
          "projection_class_embeddings_input_dim");

  public UNetConfig {
    blockOutChannels = List.copyOf(blockOutChannels);
    layersPerBlock = List.copyOf(layersPerBlock);
    attentionHeadDim = List.copyOf(attentionHeadDim);
    downBlockTypes = List.copyOf(downBlockTypes);
    upBlockTypes = List.copyOf(upBlockTypes);
  }

  /**
   * Reads and checks a diffusers UNet config.json.
   *
   * @throws InvalidModelConfigException naming the field that is missing, malformed or unsupported
   */
  public static UNetConfig read(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new InvalidModelConfigException(
          file, "(root)", "is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelConfigException(file, "(root)", "must be a JSON object");
    }
    return new Parser(file, root).parse();
  }

  /** Number of resolution levels. */
  public int levels() {
    return blockOutChannels.size();
  }

  /** Reads fields with messages that name the file and the field. */
  private record Parser(Path file, JsonNode root) {

    UNetConfig parse() throws InvalidModelConfigException {
      for (Map.Entry<String, Object> required : REQUIRED.entrySet()) {
        JsonNode v = root.get(required.getKey());
        if (v == null || !Objects.equals(v.asText(), required.getValue())) {
          throw new InvalidModelConfigException(
              file,
              required.getKey(),
              "is "
                  + v
                  + "; only \""
                  + required.getValue()
                  + "\" (DeepFloyd IF stage I) is supported");
        }
      }
      for (String off : MUST_BE_OFF) {
        JsonNode v = root.get(off);
        if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
          throw new InvalidModelConfigException(
              file, off, "is " + v + "; IF stage I leaves it null/false and so does this UNet");
        }
      }
      List<Integer> channels = intList("block_out_channels", -1);
      int levels = channels.size();
      for (int i = 0; i < levels; i++) {
        atMost("block_out_channels[" + i + "]", channels.get(i), MAX_WIDTH);
      }
      List<String> down = stringList("down_block_types", levels);
      List<String> up = stringList("up_block_types", levels);
      checkTypes("down_block_types", down, RESNET_DOWN, ATTN_DOWN);
      checkTypes("up_block_types", up, RESNET_UP, ATTN_UP);
      int timeEmbedDim =
          root.hasNonNull("time_embedding_dim")
              ? integer("time_embedding_dim")
              : 4 * channels.get(0);
      int encoderHidDim = integer("encoder_hid_dim");
      UNetConfig config =
          new UNetConfig(
              integer("in_channels"),
              integer("out_channels"),
              channels,
              intList("layers_per_block", levels),
              intList("attention_head_dim", levels),
              down,
              up,
              integer("norm_num_groups"),
              number("norm_eps"),
              integer("cross_attention_dim"),
              encoderHidDim,
              integer("addition_embed_type_num_heads"),
              timeEmbedDim,
              bool("flip_sin_to_cos"),
              number("freq_shift"),
              integer("sample_size"),
              integer("conv_in_kernel"),
              integer("conv_out_kernel"),
              number("mid_block_scale_factor"),
              root.hasNonNull("resnet_out_scale_factor") ? number("resnet_out_scale_factor") : 1.0,
              root.hasNonNull("resnet_skip_time_act") && bool("resnet_skip_time_act"));
      checkSizes(config);
      return config;
    }

    /**
     * Sizes within what any IF model uses (so products cannot overflow) and that divide as the
     * layers need: GroupNorm groups and attention heads split the channels evenly.
     */
    private void checkSizes(UNetConfig c) throws InvalidModelConfigException {
      atMost("in_channels", c.inChannels(), 64);
      atMost("out_channels", c.outChannels(), 64);
      atMost("norm_num_groups", c.normNumGroups(), 1024);
      atMost("cross_attention_dim", c.crossAttentionDim(), MAX_WIDTH);
      atMost("encoder_hid_dim", c.encoderHidDim(), MAX_WIDTH);
      atMost("time_embedding_dim", c.timeEmbedDim(), MAX_WIDTH);
      atMost("addition_embed_type_num_heads", c.additionEmbedHeads(), 1024);
      atMost("sample_size", c.sampleSize(), 4096);
      for (String kernel : List.of("conv_in_kernel", "conv_out_kernel")) {
        int k = kernel.equals("conv_in_kernel") ? c.convInKernel() : c.convOutKernel();
        if (k % 2 == 0 || k > 15) {
          throw new InvalidModelConfigException(
              file, kernel, "must be odd and at most 15, not " + k);
        }
      }
      for (int i = 0; i < c.levels(); i++) {
        int channels = c.blockOutChannels().get(i);
        atMost("block_out_channels[" + i + "]", channels, MAX_WIDTH);
        atMost("layers_per_block[" + i + "]", c.layersPerBlock().get(i), 64);
        divides("norm_num_groups", c.normNumGroups(), "block_out_channels[" + i + "]", channels);
        divides(
            "attention_head_dim[" + i + "]",
            c.attentionHeadDim().get(i),
            "block_out_channels[" + i + "]",
            channels);
      }
      divides(
          "addition_embed_type_num_heads",
          c.additionEmbedHeads(),
          "encoder_hid_dim",
          c.encoderHidDim());
      if (!(c.normEps() > 0 && c.normEps() < 1)) {
        throw new InvalidModelConfigException(
            file, "norm_eps", "must lie in (0, 1), not " + c.normEps());
      }
      for (String name :
          List.of("freq_shift", "mid_block_scale_factor", "resnet_out_scale_factor")) {
        double v =
            switch (name) {
              case "freq_shift" -> c.freqShift();
              case "mid_block_scale_factor" -> c.midBlockScaleFactor();
              default -> c.resnetOutScaleFactor();
            };
        if (!Double.isFinite(v) || (!name.equals("freq_shift") && v <= 0)) {
          throw new InvalidModelConfigException(
              file,
              name,
              "must be a finite number" + (name.equals("freq_shift") ? "" : " > 0") + ", not " + v);
        }
      }
    }

    private void atMost(String name, int value, int max) throws InvalidModelConfigException {
      if (value > max) {
        throw new InvalidModelConfigException(
            file, name, "is " + value + ", more than any IF model uses (at most " + max + ")");
      }
    }

    private void divides(String name, int divisor, String of, int value)
        throws InvalidModelConfigException {
      if (value % divisor != 0) {
        throw new InvalidModelConfigException(
            file, name, "is " + divisor + ", which does not divide " + of + " = " + value);
      }
    }

    private JsonNode field(String name) throws InvalidModelConfigException {
      JsonNode v = root.get(name);
      if (v == null || v.isNull()) {
        throw new InvalidModelConfigException(file, name, "is missing");
      }
      return v;
    }

    private int integer(String name) throws InvalidModelConfigException {
      JsonNode v = field(name);
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
        throw new InvalidModelConfigException(file, name, "must be a positive integer, not " + v);
      }
      return v.asInt();
    }

    private double number(String name) throws InvalidModelConfigException {
      JsonNode v = field(name);
      if (!v.isNumber()) {
        throw new InvalidModelConfigException(file, name, "must be a number, not " + v);
      }
      return v.asDouble();
    }

    private boolean bool(String name) throws InvalidModelConfigException {
      JsonNode v = field(name);
      if (!v.isBoolean()) {
        throw new InvalidModelConfigException(file, name, "must be true or false, not " + v);
      }
      return v.asBoolean();
    }

    /** An int, or a list of ints; a single int applies to every level. */
    private List<Integer> intList(String name, int levels) throws InvalidModelConfigException {
      JsonNode v = field(name);
      List<Integer> values = new ArrayList<>();
      if (v.isIntegralNumber() && levels > 0) {
        for (int i = 0; i < levels; i++) {
          values.add(v.asInt());
        }
        return values;
      }
      if (!v.isArray() || v.isEmpty()) {
        throw new InvalidModelConfigException(file, name, "must be a list of integers, not " + v);
      }
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() || e.asInt() <= 0) {
          throw new InvalidModelConfigException(
              file, name, "must hold positive integers, not " + v);
        }
        values.add(e.asInt());
      }
      if (levels > 0 && values.size() != levels) {
        throw new InvalidModelConfigException(
            file, name, "has " + values.size() + " entries but block_out_channels has " + levels);
      }
      return values;
    }

    private List<String> stringList(String name, int levels) throws InvalidModelConfigException {
      JsonNode v = field(name);
      if (!v.isArray() || v.size() != levels) {
        throw new InvalidModelConfigException(
            file, name, "must be a list of " + levels + " block type names, not " + v);
      }
      List<String> values = new ArrayList<>();
      v.forEach(e -> values.add(e.asText()));
      return values;
    }

    private void checkTypes(String name, List<String> types, String... allowed)
        throws InvalidModelConfigException {
      for (String type : types) {
        if (!List.of(allowed).contains(type)) {
          throw new InvalidModelConfigException(
              file, name, "contains " + type + "; supported: " + String.join(", ", allowed));
        }
      }
    }
  }
}
