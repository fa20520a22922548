package dev.diffusionlab.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.Set;

/** Named tensors in one or more files, read on demand (a state dict on disk). */
public interface TensorStore extends AutoCloseable {

  /** The names of all tensors. */
  Set<String> names();

  /**
   * Where a tensor lies and what it holds.
   *
   * @throws IllegalArgumentException if there is no tensor of that name
   */
  TensorInfo info(String name);

  /**
   * Reads one floating-point tensor as {@code target} ({@link DataType#FLOAT32} or {@link
   * DataType#FLOAT16}) on {@code manager}. F16 and BF16 are converted exactly; F64 is rounded.
   *
   * @throws TensorFileException if the data cannot be read or is not floating point
   */
  NDArray load(String name, NDManager manager, DataType target) throws IOException;

  @Override
  void close() throws IOException;
}
