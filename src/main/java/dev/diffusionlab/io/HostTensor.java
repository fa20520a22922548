package dev.diffusionlab.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A float32 tensor held in Java memory, independent of any engine scope: what the npz and PyTorch
 * checkpoint readers return, so that prompt embeddings outlive the manager that first used them.
 *
 * @param shape dimensions, outermost first
 * @param values row-major float32 values ({@code product(shape)} of them)
 * @param storedType the element type in the file (F16 values convert exactly)
 */
public record HostTensor(long[] shape, float[] values, TensorDType storedType) {

  public HostTensor {
    shape = shape.clone();
    long numel = Arrays.stream(shape).reduce(1L, Math::multiplyExact);
    if (numel != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + numel + " values, got " + values.length);
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The values, copied. */
  @Override
  public float[] values() {
    return values.clone();
  }

  /** Creates a float32 NDArray of this tensor on {@code manager}. */
  public NDArray toNDArray(NDManager manager) {
    return manager.create(values, new Shape(shape));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor other
        && storedType == other.storedType
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape) + " from " + storedType;
  }
}
