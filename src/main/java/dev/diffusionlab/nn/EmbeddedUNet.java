package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The embedded denoiser's network: a small UNet over 28×28 grayscale images that predicts noise and
 * an IF-style learned-range variance from x_t, the timestep and a prompt embedding.
 *
 * <p>To make training affordable on a CPU the image is first folded into 4 channels at 14×14
 * (space-to-depth), so the UNet runs at 14×14 and 7×7 only and unfolds its 8 output channels back
 * to 2 at 28×28. Levels: residual block at 14×14 ({@code c} channels), strided convolution to 7×7
 * ({@code 2c}), residual block + self-attention, a middle residual block + self-attention, then
 * back up with skip concatenations. The timestep (sinusoidal, then an MLP) and the prompt (mean
 * over its tokens, then a dense layer) are added into one embedding that every residual block adds
 * to its features.
 */
public final class EmbeddedUNet implements AutoCloseable {
  /** Image side. */
  public static final int IMAGE_SIZE = 28;

  private static final int TIME_FEATURES = 64;

  private final Config config;
  private final NamedWeights weights;

  /**
   * The architecture's sizes.
   *
   * @param channels c, the width at 14×14 (2c at 7×7)
   * @param embedDim width of the time + prompt embedding
   * @param promptDim E of the prompt embeddings [N, L, E]
   * @param groups group-norm groups (divides c)
   */
  public record Config(int channels, int embedDim, int promptDim, int groups) {
    /** Checks the sizes fit together. */
    public Config {
      if (channels <= 0 || channels % groups != 0) {
        throw new IllegalArgumentException(
            "channels (" + channels + ") must be a positive multiple of groups (" + groups + ")");
      }
    }
  }

  /** Creates the network with freshly initialised weights on a child of {@code manager}. */
  public EmbeddedUNet(Config config, NDManager manager, long seed) {
    this.config = config;
    this.weights = new NamedWeights(manager);
    define(new Random(seed));
  }

  public Config config() {
    return config;
  }

  /** The trainable tensors. */
  public NamedWeights weights() {
    return weights;
  }

  private void define(Random r) {
    int c = config.channels();
    int e = config.embedDim();
    Layers.defineLinear(weights, "time.0", TIME_FEATURES, e, r);
    Layers.defineLinear(weights, "time.1", e, e, r);
    Layers.defineLinear(weights, "prompt", config.promptDim(), e, r);
    Layers.defineConv(weights, "in", 4, c, 3, false, r);
    defineResBlock("down14", c, c, r);
    Layers.defineConv(weights, "down", c, 2 * c, 3, false, r);
    defineResBlock("down7", 2 * c, 2 * c, r);
    defineAttention("down7.attn", 2 * c, r);
    defineResBlock("mid", 2 * c, 2 * c, r);
    defineAttention("mid.attn", 2 * c, r);
    defineResBlock("up7", 4 * c, 2 * c, r);
    Layers.defineConv(weights, "up", 2 * c, c, 3, false, r);
    defineResBlock("up14", 2 * c, c, r);
    Layers.defineGroupNorm(weights, "out.norm", c);
    Layers.defineConv(weights, "out", c, 8, 3, true, r);
  }

  private void defineResBlock(String name, int in, int out, Random r) {
    Layers.defineGroupNorm(weights, name + ".norm1", in);
    Layers.defineConv(weights, name + ".conv1", in, out, 3, false, r);
    Layers.defineLinear(weights, name + ".emb", config.embedDim(), out, r);
    Layers.defineGroupNorm(weights, name + ".norm2", out);
    // Zero-initialised so every block starts as the identity, which trains faster.
    Layers.defineConv(weights, name + ".conv2", out, out, 3, true, r);
    if (in != out) {
      Layers.defineConv(weights, name + ".skip", in, out, 1, false, r);
    }
  }

  private void defineAttention(String name, int channels, Random r) {
    Layers.defineGroupNorm(weights, name + ".norm", channels);
    Layers.defineConv(weights, name + ".qkv", channels, 3 * channels, 1, false, r);
    Layers.defineConv(weights, name + ".proj", channels, channels, 1, true, r);
  }

  /**
   * Predicts noise and raw variance values.
   *
   * @param noisy x_t, shape [N, 1, 28, 28]
   * @param timesteps shape [N], float32 timesteps in [0, 1000)
   * @param promptEmbeds shape [N, L, promptDim]
   * @return shape [N, 2, 28, 28]: noise, then the unclipped learned-range variance value
   */
  public NDArray forward(NDArray noisy, NDArray timesteps, NDArray promptEmbeds) {
    NDArray emb = Layers.silu(embedding(timesteps, promptEmbeds));
    NDArray h = Layers.conv(weights, "in", Layers.spaceToDepth(noisy), 1);
    NDArray skip14 = resBlock("down14", h, emb);
    h = Layers.conv(weights, "down", skip14, 2);
    NDArray skip7 = attention("down7.attn", resBlock("down7", h, emb));
    h = attention("mid.attn", resBlock("mid", skip7, emb));
    h = resBlock("up7", NDArrays.concat(new ai.djl.ndarray.NDList(h, skip7), 1), emb);
    h = Layers.conv(weights, "up", Layers.upsample2(h), 1);
    h = resBlock("up14", NDArrays.concat(new ai.djl.ndarray.NDList(h, skip14), 1), emb);
    h = Layers.silu(Layers.groupNorm(weights, "out.norm", h, config.groups()));
    return Layers.depthToSpace(Layers.conv(weights, "out", h, 1));
  }

  private NDArray embedding(NDArray timesteps, NDArray promptEmbeds) {
    NDArray time = sinusoidal(timesteps);
    time = Layers.linear(weights, "time.1", Layers.silu(Layers.linear(weights, "time.0", time)));
    NDArray prompt = Layers.linear(weights, "prompt", promptEmbeds.mean(new int[] {1}));
    return time.add(prompt);
  }

  /** The transformer's sinusoidal features of t: [N] → [N, 64]. */
  private static NDArray sinusoidal(NDArray timesteps) {
    int half = TIME_FEATURES / 2;
    float[] frequencies = new float[half];
    for (int i = 0; i < half; i++) {
      frequencies[i] = (float) Math.exp(-Math.log(10000) * i / half);
    }
    NDManager manager = timesteps.getManager();
    NDArray angles =
        timesteps
            .toType(DataType.FLOAT32, false)
            .reshape(-1, 1)
            .mul(manager.create(frequencies).reshape(1, half));
    return NDArrays.concat(new ai.djl.ndarray.NDList(angles.sin(), angles.cos()), 1);
  }

  private NDArray resBlock(String name, NDArray x, NDArray emb) {
    int g = config.groups();
    NDArray h = Layers.silu(Layers.groupNorm(weights, name + ".norm1", x, g));
    h = Layers.conv(weights, name + ".conv1", h, 1);
    Shape s = h.getShape();
    h = h.add(Layers.linear(weights, name + ".emb", emb).reshape(s.get(0), s.get(1), 1, 1));
    h = Layers.silu(Layers.groupNorm(weights, name + ".norm2", h, g));
    h = Layers.conv(weights, name + ".conv2", h, 1);
    NDArray shortcut =
        x.getShape().get(1) == s.get(1) ? x : Layers.conv(weights, name + ".skip", x, 1);
    return shortcut.add(h);
  }

  /** Single-head self-attention over the H·W positions. */
  private NDArray attention(String name, NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long positions = s.get(2) * s.get(3);
    NDArray normalized = Layers.groupNorm(weights, name + ".norm", x, config.groups());
    NDArray qkv = Layers.conv(weights, name + ".qkv", normalized, 1).reshape(n, 3, c, positions);
    NDArray q = qkv.get(":, 0").transpose(0, 2, 1);
    NDArray k = qkv.get(":, 1");
    NDArray v = qkv.get(":, 2").transpose(0, 2, 1);
    NDArray attn = q.matMul(k).mul((float) (1 / Math.sqrt(c))).softmax(2);
    NDArray out = attn.matMul(v).transpose(0, 2, 1).reshape(s);
    return x.add(Layers.conv(weights, name + ".proj", out, 1));
  }

  @Override
  public void close() {
    weights.close();
  }
}
