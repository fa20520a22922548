package dev.diffusionlab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.nn.NamedWeights;

/**
 * An exponential moving average of weights, {@code ema = decay ema + (1 - decay) w}, with the usual
 * warm-up of the decay ({@code min(decay, (1 + step) / (10 + step))}) so early weights do not
 * linger.
 *
 * @param decay the decay once warmed up, in [0, 1)
 */
public record Ema(double decay) {

  /** The decay used after {@code step} updates. */
  public double decayAt(long step) {
    return Math.min(decay, (1.0 + step) / (10.0 + step));
  }

  /** Moves {@code average} towards {@code weights} with the decay of update {@code step}. */
  public void update(NamedWeights average, NamedWeights weights, long step) {
    update(average, weights, decayAt(step));
  }

  /** Moves {@code average} towards {@code weights} with the given decay. */
  public static void update(NamedWeights average, NamedWeights weights, double decay) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (String name : weights.names()) {
        NDArray current = weights.get(name).stopGradient().toType(DataType.FLOAT32, false);
        average.get(name).muli((float) decay).addi(current.mul((float) (1 - decay)));
      }
    }
  }
}
