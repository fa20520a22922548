package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * A1.8 visual anagrams (Geng et al.): each (prompt, view) pair denoises the image as seen through
 * its view, and the noise estimates, mapped back through the inverse views, are averaged: {@code
 * eps = mean_i view_i^-1(eps_i(view_i(x_t)))}. With two pairs (identity, p1) and (flip, p2) this is
 * the assignment's {@code (eps_1 + flip(eps_2(flip(x_t), p2))) / 2}. Variances are averaged the
 * same way through {@link View#inverseVariance}.
 */
public final class VisualAnagram implements NoiseEstimator {
  /** One prompt seen through one view. */
  public record Part(NoiseEstimator estimator, View view) {}

  private final List<Part> parts;

  public VisualAnagram(List<Part> parts) {
    if (parts.size() < 2) {
      throw new IllegalArgumentException(
          "a visual anagram needs at least two (prompt, view) pairs");
    }
    this.parts = List.copyOf(parts);
  }

  @Override
  public NDArray estimate(NDArray noisy, int t) {
    long channels = noisy.getShape().get(1);
    NDArray noiseSum = null;
    NDArray varianceSum = null;
    for (Part part : parts) {
      NDArray output = part.estimator().estimate(part.view().apply(noisy), t);
      NDList split = output.split(new long[] {channels}, 1);
      NDArray noise = part.view().inverse(split.get(0));
      NDArray variance = part.view().inverseVariance(split.get(1));
      noiseSum = noiseSum == null ? noise : noiseSum.add(noise);
      varianceSum = varianceSum == null ? variance : varianceSum.add(variance);
    }
    float scale = 1f / parts.size();
    return noiseSum.mul(scale).concat(varianceSum.mul(scale), 1);
  }
}
