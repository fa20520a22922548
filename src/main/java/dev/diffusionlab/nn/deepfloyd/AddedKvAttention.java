package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code Attention} with {@code added_kv_proj_dim} run by {@code AttnAddedKVProcessor}:
 * self-attention over the spatial tokens whose keys and values are prefixed by projections of the
 * text states (text tokens first). The text states pass {@code norm_cross}, a GroupNorm with 32
 * groups whatever {@code norm_num_groups} says; the spatial tokens pass {@code group_norm}. Softmax
 * runs in float32 ({@code upcast_softmax}); the residual is the un-normed input.
 */
final class AddedKvAttention {
  /** diffusers hard-codes 32 groups for {@code norm_cross}. */
  private static final int NORM_CROSS_GROUPS = 32;

  private final int heads;
  private final long headDim;
  private final float scale;
  private final GroupNorm groupNorm;
  private final GroupNorm normCross;
  private final Linear toQ;
  private final Linear toK;
  private final Linear toV;
  private final Linear addKProj;
  private final Linear addVProj;
  private final Linear toOut;

  AddedKvAttention(
      ParameterSource params, String prefix, long channels, long headDim, BlockSettings s) {
    if (channels % headDim != 0) {
      throw new IllegalArgumentException(
          prefix
              + ": "
              + channels
              + " channels are not a multiple of attention_head_dim "
              + headDim);
    }
    this.heads = (int) (channels / headDim);
    this.headDim = headDim;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    long inner = heads * headDim;
    long cross = s.crossAttentionDim();
    this.groupNorm = new GroupNorm(params, prefix + ".group_norm", s.groups(), channels, 1e-5);
    this.normCross = new GroupNorm(params, prefix + ".norm_cross", NORM_CROSS_GROUPS, cross, 1e-5);
    this.toQ = new Linear(params, prefix + ".to_q", channels, inner);
    this.toK = new Linear(params, prefix + ".to_k", channels, inner);
    this.toV = new Linear(params, prefix + ".to_v", channels, inner);
    this.addKProj = new Linear(params, prefix + ".add_k_proj", cross, inner);
    this.addVProj = new Linear(params, prefix + ".add_v_proj", cross, inner);
    this.toOut = new Linear(params, prefix + ".to_out.0", inner, channels);
  }

  /**
   * @param x [N, C, H, W]
   * @param text the projected text states [N, L, crossAttentionDim]
   * @return [N, C, H, W]
   */
  NDArray forward(NDArray x, NDArray text) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    NDArray tokens = groupNorm.forward(x.reshape(n, c, -1)).transpose(0, 2, 1);
    NDArray textNormed = normCross.forward(text.transpose(0, 2, 1)).transpose(0, 2, 1);

    NDArray query = splitHeads(toQ.forward(tokens));
    NDArray key =
        splitHeads(addKProj.forward(textNormed)).concat(splitHeads(toK.forward(tokens)), 2);
    NDArray value =
        splitHeads(addVProj.forward(textNormed)).concat(splitHeads(toV.forward(tokens)), 2);

    NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).mul(scale);
    NDArray probs =
        scores.toType(DataType.FLOAT32, false).softmax(-1).toType(x.getDataType(), false);
    NDArray attended = probs.matMul(value).transpose(0, 2, 1, 3).reshape(n, -1, heads * headDim);
    NDArray out = toOut.forward(attended).transpose(0, 2, 1).reshape(shape);
    return out.add(x);
  }

  /** [N, T, heads·d] → [N, heads, T, d]. */
  private NDArray splitHeads(NDArray t) {
    Shape s = t.getShape();
    return t.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
  }
}
