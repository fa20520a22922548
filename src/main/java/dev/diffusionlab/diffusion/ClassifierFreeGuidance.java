package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * B2.5 classifier-free guidance: {@code pred = pred_u + gamma (pred_c - pred_u)}, the conditional
 * and unconditional predictions computed in one batch of 2N.
 */
public final class ClassifierFreeGuidance {
  private ClassifierFreeGuidance() {}

  /**
   * The guided model for fixed classes.
   *
   * @param oneHot [N, K] the intended classes
   * @param gamma the guidance scale (1 is plain conditional sampling)
   */
  public static TimeConditionedModel guide(
      ClassConditionedModel model, NDArray oneHot, double gamma) {
    return (x, time) -> {
      NDManager m = x.getManager();
      long n = x.getShape().get(0);
      NDArray classes = oneHot.concat(m.zeros(oneHot.getShape()), 0);
      NDArray both = model.predict(x.concat(x, 0), time.concat(time, 0), classes);
      NDList halves = both.split(new long[] {n}, 0);
      NDArray conditional = halves.get(0);
      NDArray unconditional = halves.get(1);
      return unconditional.add(conditional.sub(unconditional).mul((float) gamma));
    };
  }
}
