package dev.diffusionlab.io;

import java.util.Arrays;

/**
 * Where one tensor lies in a tensor file.
 *
 * @param name the tensor's key, e.g. {@code conv_in.weight}
 * @param dtype the stored element type
 * @param shape the dimensions, outermost first
 * @param offset the first byte of the data, from the start of the file
 * @param byteLength the number of bytes, {@code numel * dtype.byteSize()}
 */
public record TensorInfo(
    String name, TensorDType dtype, long[] shape, long offset, long byteLength) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements (1 for a scalar). */
  public long numel() {
    return Arrays.stream(shape).reduce(1L, Math::multiplyExact);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo other
        && name.equals(other.name)
        && dtype == other.dtype
        && Arrays.equals(shape, other.shape)
        && offset == other.offset
        && byteLength == other.byteLength;
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
