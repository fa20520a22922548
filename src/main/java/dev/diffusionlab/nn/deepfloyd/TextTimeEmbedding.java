package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code TextTimeEmbedding} ({@code addition_embed_type="text"}): LayerNorm, then {@code
 * AttentionPooling} of the raw text states into one vector, a projection to the time embedding
 * width and a second LayerNorm. The pooling's class token is the token mean plus a learned
 * positional embedding; it is prepended, and only its own query is used.
 */
final class TextTimeEmbedding {
  private final int heads;
  private final long width;
  private final LayerNorm norm1;
  private final NDArray positionalEmbedding;
  private final Linear kProj;
  private final Linear qProj;
  private final Linear vProj;
  private final Linear proj;
  private final LayerNorm norm2;

  TextTimeEmbedding(
      ParameterSource params, String prefix, long encoderDim, long timeEmbedDim, int heads) {
    if (encoderDim % heads != 0) {
      throw new IllegalArgumentException(
          "encoder_hid_dim " + encoderDim + " is not a multiple of " + heads + " pooling heads");
    }
    this.heads = heads;
    this.width = encoderDim;
    this.norm1 = new LayerNorm(params, prefix + ".norm1", encoderDim);
    this.positionalEmbedding =
        params.parameter(prefix + ".pool.positional_embedding", 1, encoderDim);
    this.kProj = new Linear(params, prefix + ".pool.k_proj", encoderDim, encoderDim);
    this.qProj = new Linear(params, prefix + ".pool.q_proj", encoderDim, encoderDim);
    this.vProj = new Linear(params, prefix + ".pool.v_proj", encoderDim, encoderDim);
    this.proj = new Linear(params, prefix + ".proj", encoderDim, timeEmbedDim);
    this.norm2 = new LayerNorm(params, prefix + ".norm2", timeEmbedDim);
  }

  /**
   * @param rawText the unprojected text states [N, L, encoderDim]
   * @return [N, timeEmbedDim]
   */
  NDArray forward(NDArray rawText) {
    NDArray x = norm1.forward(rawText);
    long n = x.getShape().get(0);
    NDArray classToken = x.mean(new int[] {1}, true).add(positionalEmbedding);
    NDArray tokens = classToken.concat(x, 1);
    NDArray q = splitHeads(qProj.forward(classToken));
    NDArray k = splitHeads(kProj.forward(tokens));
    NDArray v = splitHeads(vProj.forward(tokens));
    // Both sides scaled by d^-1/4 as diffusers does (more stable in fp16 than scaling after).
    float scale = (float) (1.0 / Math.sqrt(Math.sqrt((double) width / heads)));
    NDArray weights = q.mul(scale).matMul(k.mul(scale).transpose(0, 1, 3, 2));
    weights = weights.toType(DataType.FLOAT32, false).softmax(-1).toType(x.getDataType(), false);
    NDArray pooled = weights.matMul(v).reshape(n, width);
    return norm2.forward(proj.forward(pooled));
  }

  /** [N, T, width] → [N, heads, T, width/heads]. */
  private NDArray splitHeads(NDArray t) {
    Shape s = t.getShape();
    return t.reshape(s.get(0), s.get(1), heads, width / heads).transpose(0, 2, 1, 3);
  }
}
