package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * A view that moves pixels: output pixel (y, x) takes input pixel {@code source(y, x)}. Applied as
 * a gather over the flattened H·W positions, so it is exact and preserves the norm.
 */
public final class PermutationView implements View {
  /** Where each output pixel comes from, for an image of a given size. */
  @FunctionalInterface
  public interface Mapping {
    /**
     * @return {row, column} of the input pixel that lands at output ({@code y}, {@code x})
     */
    int[] source(int y, int x, int height, int width);
  }

  private final String name;
  private final Mapping mapping;
  private final boolean squareOnly;
  private final Map<Long, int[][]> cache = new HashMap<>();

  /**
   * @param squareOnly whether the mapping needs H = W (rotations)
   */
  public PermutationView(String name, Mapping mapping, boolean squareOnly) {
    this.name = name;
    this.mapping = mapping;
    this.squareOnly = squareOnly;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public NDArray apply(NDArray x) {
    return gather(x, tables(x.getShape())[0]);
  }

  @Override
  public NDArray inverse(NDArray x) {
    return gather(x, tables(x.getShape())[1]);
  }

  /** The forward and inverse index tables over flattened positions. */
  private synchronized int[][] tables(Shape shape) {
    int height = (int) shape.get(2);
    int width = (int) shape.get(3);
    if (squareOnly && height != width) {
      throw new IllegalArgumentException(
          "view " + name + " needs square images, got " + height + "x" + width);
    }
    return cache.computeIfAbsent(((long) height << 32) | width, k -> build(height, width));
  }

  private int[][] build(int height, int width) {
    int n = height * width;
    int[] forward = new int[n];
    int[] inverse = new int[n];
    boolean[] seen = new boolean[n];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] s = mapping.source(y, x, height, width);
        int from = s[0] * width + s[1];
        if (s[0] < 0 || s[0] >= height || s[1] < 0 || s[1] >= width || seen[from]) {
          throw new IllegalStateException("view " + name + " is not a permutation");
        }
        seen[from] = true;
        forward[y * width + x] = from;
        inverse[from] = y * width + x;
      }
    }
    return new int[][] {forward, inverse};
  }

  private static NDArray gather(NDArray x, int[] sources) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    long positions = shape.get(2) * shape.get(3);
    NDArray flat = x.reshape(n, c, positions);
    NDArray index =
        x.getManager()
            .create(sources)
            .toType(DataType.INT64, false)
            .reshape(1, 1, positions)
            .repeat(0, n)
            .repeat(1, c);
    return flat.gather(index, 2).reshape(shape);
  }
}
