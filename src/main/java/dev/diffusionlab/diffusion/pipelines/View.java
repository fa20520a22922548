package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;

/**
 * An orthogonal transformation of images used by visual anagrams (A1.8): a pixel permutation or a
 * sign flip, so it maps Gaussian noise to Gaussian noise. Arrays have shape [N, C, H, W].
 */
public interface View {
  /** The name used in manifests, e.g. {@code flip}. */
  String name();

  /** The view of x. */
  NDArray apply(NDArray x);

  /** Undoes {@link #apply}: {@code inverse(apply(x)) = x}. */
  NDArray inverse(NDArray x);

  /**
   * Brings a predicted variance back to the original frame. Variances are positive magnitudes, so
   * only the pixel rearrangement applies; sign changes do not.
   */
  default NDArray inverseVariance(NDArray variance) {
    return inverse(variance);
  }
}
