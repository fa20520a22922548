package dev.diffusionlab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.nn.NamedWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Adam (beta1 0.9, beta2 0.999, eps 1e-8) with bias correction and optional global-norm gradient
 * clipping, over the trainable parameters of a DJL block or the tensors of a {@link NamedWeights}.
 * Its moments are named after the parameters and saved in a {@link Checkpoint}, so a resumed
 * training continues exactly where it stopped. Gradients are zeroed after each update.
 *
 * <p>Without clipping the update is the engine's fused Adam kernel; with clipping it is written out
 * in tensor operations after scaling the gradients to the clip norm. The two are kept as they are
 * (not one rewritten as the other) because trained weights in the results cache were made by each,
 * and float rounding differs between them.
 */
public final class Adam implements AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private record Slot(String name, Supplier<NDArray> weight, NDArray mean, NDArray variance) {}

  private final List<Slot> slots = new ArrayList<>();
  private final NDManager moments;
  private final double clipNorm;
  private long steps;

  private Adam(NDManager moments, double clipNorm) {
    this.moments = moments;
    this.clipNorm = clipNorm;
  }

  /**
   * Zero moments for every trainable parameter of an initialised block, without clipping; the
   * moments belong to a sub-manager of {@code manager}, closed with this optimizer.
   */
  public static Adam of(Block block, NDManager manager) {
    Adam adam = new Adam(manager.newSubManager(), Double.NaN);
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter.requiresGradient()) {
        adam.add(p.getKey(), parameter::getArray);
      }
    }
    return adam;
  }

  /**
   * Zero moments for every tensor of {@code weights}; gradients whose global norm exceeds {@code
   * clipNorm} are scaled down to it before each update.
   */
  public static Adam clipped(NamedWeights weights, double clipNorm) {
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clip norm must be positive, got " + clipNorm);
    }
    Adam adam = new Adam(weights.manager().newSubManager(), clipNorm);
    for (String name : weights.names()) {
      adam.add(name, () -> weights.get(name));
    }
    return adam;
  }

  private void add(String name, Supplier<NDArray> weight) {
    NDArray w = weight.get();
    slots.add(
        new Slot(
            name,
            weight,
            moments.zeros(w.getShape(), w.getDataType()),
            moments.zeros(w.getShape(), w.getDataType())));
  }

  /** Number of updates made so far. */
  public long steps() {
    return steps;
  }

  /**
   * Applies one update with learning rate {@code lr} from the gradients a backward pass left and
   * zeroes them.
   *
   * @return the gradients' global norm before clipping, or NaN without clipping
   */
  public double step(double lr) {
    steps++;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      if (Double.isNaN(clipNorm)) {
        fusedStep((float) lr);
        return Double.NaN;
      }
      return clippedStep(lr);
    }
  }

  private void fusedStep(float learningRate) {
    double correction1 = 1 - Math.pow(BETA1, steps);
    double correction2 = 1 - Math.pow(BETA2, steps);
    float corrected = (float) (learningRate * Math.sqrt(correction2) / correction1);
    for (Slot slot : slots) {
      NDArray weight = slot.weight().get();
      NDArray grad = weight.getGradient();
      weight
          .getNDArrayInternal()
          .adamUpdate(
              new NDList(weight, grad, slot.mean(), slot.variance()),
              new NDList(weight),
              learningRate,
              corrected,
              0f,
              1f,
              -1f,
              BETA1,
              BETA2,
              EPSILON,
              true,
              false);
    }
  }

  private double clippedStep(double lr) {
    double squared = 0;
    for (Slot slot : slots) {
      squared += slot.weight().get().getGradient().square().sum().getFloat();
    }
    double norm = Math.sqrt(squared);
    float scale = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
    float correction1 = (float) (1 - Math.pow(BETA1, steps));
    float correction2 = (float) (1 - Math.pow(BETA2, steps));
    float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
    for (Slot slot : slots) {
      NDArray weight = slot.weight().get();
      NDArray grad = weight.getGradient();
      NDArray g = grad.mul(scale);
      NDArray m = slot.mean().muli(BETA1).addi(g.mul(1 - BETA1));
      NDArray v = slot.variance().muli(BETA2).addi(g.square().mul(1 - BETA2));
      NDArray update = m.div(v.sqrt().add(EPSILON)).mul(stepSize);
      // In place on the leaf tensor: detach so autograd does not record the update.
      weight.stopGradient().subi(update);
      grad.muli(0f);
    }
    return norm;
  }

  /** Both moments by name ({@code m/<parameter>}, {@code v/<parameter>}), for a checkpoint. */
  Map<String, NDArray> state() {
    Map<String, NDArray> state = new LinkedHashMap<>();
    for (Slot slot : slots) {
      state.put("m/" + slot.name(), slot.mean());
      state.put("v/" + slot.name(), slot.variance());
    }
    return state;
  }

  /** Writes both moments to {@code file}. */
  public void save(Path file) throws IOException {
    Checkpoint.writeTensors(file, state());
  }

  /** Restores moments {@link #save} wrote and the number of updates already made. */
  public void load(Path file, long stepsTaken) throws IOException {
    SafeTensors.copyInto(file, state());
    this.steps = stepsTaken;
  }

  @Override
  public void close() {
    moments.close();
  }
}
