package dev.diffusionlab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (beta1 0.9, beta2 0.999, eps 1e-8) whose moments can be saved and restored, so that a
 * training resumed from a checkpoint continues exactly where it stopped. DJL's own {@code Adam}
 * keeps its moments private; this one uses the same fused engine update and owns its state.
 */
public final class AdamOptimizer {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final List<Slot> slots = new ArrayList<>();
  private int updates;

  private record Slot(Parameter parameter, NDArray mean, NDArray variance) {}

  /**
   * Zero moments for every trainable parameter of an initialised block, owned by {@code manager}.
   */
  public AdamOptimizer(Block block, NDManager manager) {
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        NDArray w = p.getArray();
        slots.add(
            new Slot(
                p,
                manager.zeros(w.getShape(), w.getDataType()),
                manager.zeros(w.getShape(), w.getDataType())));
      }
    }
  }

  /** The number of updates applied so far. */
  public int updates() {
    return updates;
  }

  /**
   * Applies one update from the gradients the last backward pass left and zeroes them. Call inside
   * the step's {@code NDScope}: the gradient arrays it reads are closed with the scope.
   */
  public void step(float learningRate) {
    updates++;
    double correction1 = 1 - Math.pow(BETA1, updates);
    double correction2 = 1 - Math.pow(BETA2, updates);
    float corrected = (float) (learningRate * Math.sqrt(correction2) / correction1);
    for (Slot slot : slots) {
      NDArray weight = slot.parameter().getArray();
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

  /** Writes the update count and both moments of every parameter. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(updates);
    out.writeInt(slots.size());
    for (Slot slot : slots) {
      writeArray(out, slot.mean());
      writeArray(out, slot.variance());
    }
  }

  /** Restores what {@link #save} wrote, for the same block. */
  public void load(DataInputStream in) throws IOException {
    updates = in.readInt();
    int count = in.readInt();
    if (count != slots.size()) {
      throw new IOException(
          "checkpoint holds optimizer state for "
              + count
              + " parameters, model has "
              + slots.size());
    }
    for (Slot slot : slots) {
      readInto(in, slot.mean());
      readInto(in, slot.variance());
    }
  }

  private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
    float[] values = array.toFloatArray();
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static void readInto(DataInputStream in, NDArray target) throws IOException {
    int length = in.readInt();
    if (length != target.size()) {
      throw new IOException("checkpoint array of " + length + " values, expected " + target.size());
    }
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.readFloat();
    }
    target.set(java.nio.FloatBuffer.wrap(values));
  }
}
