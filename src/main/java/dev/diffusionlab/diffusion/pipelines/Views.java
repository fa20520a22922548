package dev.diffusionlab.diffusion.pipelines;

import dev.diffusionlab.tensor.Noise;
import java.util.List;

/**
 * The named views a manifest may choose for visual anagrams (A1.8): {@code identity}, {@code flip}
 * (rotation by 180°), {@code rotate_cw}, {@code rotate_ccw}, {@code negate}, {@code skew} (each
 * column rolled down by half its distance from the centre, as the visual anagrams "skew" view) and
 * {@code patch_permute} (a 4×4 grid of patches shuffled by a fixed permutation, a square-piece
 * jigsaw).
 */
public final class Views {
  private static final List<String> NAMES =
      List.of("identity", "flip", "rotate_cw", "rotate_ccw", "negate", "skew", "patch_permute");

  private Views() {}

  /** The names a manifest may use. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The view called {@code name}.
   *
   * @throws IllegalArgumentException listing the known names if there is none
   */
  public static View byName(String name) {
    return switch (name) {
      case "identity" -> new PermutationView(name, (y, x, h, w) -> new int[] {y, x}, false);
      case "flip" ->
          new PermutationView(name, (y, x, h, w) -> new int[] {h - 1 - y, w - 1 - x}, false);
      case "rotate_cw" -> new PermutationView(name, (y, x, h, w) -> new int[] {h - 1 - x, y}, true);
      case "rotate_ccw" ->
          new PermutationView(name, (y, x, h, w) -> new int[] {x, w - 1 - y}, true);
      case "negate" -> new NegateView();
      case "skew" -> new PermutationView(name, Views::skew, false);
      case "patch_permute" -> new PermutationView(name, Views::patchPermute, false);
      default ->
          throw new IllegalArgumentException(
              "unknown view \"" + name + "\"; known views: " + NAMES);
    };
  }

  /** Column x rolled down by round((x - W/2) / 2) pixels. */
  private static int[] skew(int y, int x, int h, int w) {
    int shift = Math.round((x - w / 2) / 2f);
    return new int[] {Math.floorMod(y - shift, h), x};
  }

  private static final int GRID = 4;

  /**
   * A fixed shuffle of a 4×4 grid of patches; pixels beyond a multiple of 4 (e.g. none at 28 or 64)
   * stay in place.
   */
  private static int[] patchPermute(int y, int x, int h, int w) {
    int ph = h / GRID;
    int pw = w / GRID;
    if (y >= ph * GRID || x >= pw * GRID) {
      return new int[] {y, x};
    }
    int[] order = patchOrder();
    int target = (y / ph) * GRID + x / pw;
    int source = order[target];
    return new int[] {(source / GRID) * ph + y % ph, (source % GRID) * pw + x % pw};
  }

  private static int[] patchOrder() {
    int[] order = new int[GRID * GRID];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Noise random = Noise.seeded(GRID);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
