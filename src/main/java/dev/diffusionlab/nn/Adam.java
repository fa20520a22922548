package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Adam with bias correction and global-norm gradient clipping over a {@link NamedWeights}, with its
 * moments kept as {@link NamedWeights} of their own so a checkpoint can resume it exactly.
 * Gradients are zeroed after each update.
 */
public final class Adam implements AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final NamedWeights weights;
  private final NamedWeights firstMoment;
  private final NamedWeights secondMoment;
  private final double clipNorm;
  private long steps;

  /** Creates zero moments for every tensor of {@code weights}. */
  public Adam(NamedWeights weights, double clipNorm) {
    this.weights = weights;
    this.clipNorm = clipNorm;
    this.firstMoment = new NamedWeights(weights.manager());
    this.secondMoment = new NamedWeights(weights.manager());
    for (String name : weights.names()) {
      firstMoment.constant(name, weights.get(name).getShape(), 0f);
      secondMoment.constant(name, weights.get(name).getShape(), 0f);
    }
  }

  /** Number of updates made so far. */
  public long steps() {
    return steps;
  }

  /**
   * Applies one update with learning rate {@code lr} from the gradients a backward pass left.
   *
   * @return the gradients' global norm before clipping
   */
  public double step(double lr) {
    steps++;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      double squared = 0;
      for (String name : weights.names()) {
        squared += weights.get(name).getGradient().square().sum().getFloat();
      }
      double norm = Math.sqrt(squared);
      float scale = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
      float correction1 = (float) (1 - Math.pow(BETA1, steps));
      float correction2 = (float) (1 - Math.pow(BETA2, steps));
      float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
      for (String name : weights.names()) {
        NDArray weight = weights.get(name);
        NDArray grad = weight.getGradient();
        NDArray g = grad.mul(scale);
        NDArray m = firstMoment.get(name).muli(BETA1).addi(g.mul(1 - BETA1));
        NDArray v = secondMoment.get(name).muli(BETA2).addi(g.square().mul(1 - BETA2));
        NDArray update = m.div(v.sqrt().add(EPSILON)).mul(stepSize);
        // In place on the leaf tensor: detach so autograd does not record the update.
        weight.stopGradient().subi(update);
        grad.muli(0f);
      }
      return norm;
    }
  }

  /** Saves both moments and the step count beside {@code prefix}. */
  public void save(Path directory) throws IOException {
    firstMoment.save(directory.resolve("adam-m.safetensors"), false);
    secondMoment.save(directory.resolve("adam-v.safetensors"), false);
  }

  /** Restores moments saved by {@link #save} and the number of steps taken. */
  public void load(Path directory, long stepsTaken) throws IOException {
    firstMoment.load(directory.resolve("adam-m.safetensors"));
    secondMoment.load(directory.resolve("adam-v.safetensors"));
    this.steps = stepsTaken;
  }

  /** Keeps an exponential moving average: {@code ema = decay ema + (1 - decay) w}. */
  public static void updateAverage(NamedWeights average, NamedWeights weights, double decay) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (String name : weights.names()) {
        NDArray current = weights.get(name).stopGradient().toType(DataType.FLOAT32, false);
        average.get(name).muli((float) decay).addi(current.mul((float) (1 - decay)));
      }
    }
  }

  @Override
  public void close() {
    firstMoment.close();
    secondMoment.close();
  }
}
