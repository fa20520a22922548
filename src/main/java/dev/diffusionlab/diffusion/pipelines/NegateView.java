package dev.diffusionlab.diffusion.pipelines;

import ai.djl.ndarray.NDArray;

/** The negative image, {@code -x}: its own inverse. Variances are left as they are. */
public final class NegateView implements View {
  @Override
  public String name() {
    return "negate";
  }

  @Override
  public NDArray apply(NDArray x) {
    return x.neg();
  }

  @Override
  public NDArray inverse(NDArray x) {
    return x.neg();
  }

  @Override
  public NDArray inverseVariance(NDArray variance) {
    return variance;
  }
}
