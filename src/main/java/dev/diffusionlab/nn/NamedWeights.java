package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.io.TensorFileException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trainable tensors of a functional model, by name, all owned by one {@link NDManager}. Layers
 * read them with {@link #get}; optimizers walk {@link #names()}.
 *
 * <p>Saved as safetensors, optionally in float16 to keep shipped checkpoints small; loading always
 * gives float32.
 */
public final class NamedWeights implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();

  /** Creates an empty set whose tensors live in a child of {@code parent}. */
  public NamedWeights(NDManager parent) {
    this.manager = parent.newSubManager();
  }

  /** The manager that owns the tensors. */
  public NDManager manager() {
    return manager;
  }

  /** Adds a tensor drawn uniformly from [-bound, bound]. */
  public void uniform(String name, Shape shape, double bound, Random random) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    put(name, manager.create(values, shape));
  }

  /** Adds a tensor filled with {@code value}. */
  public void constant(String name, Shape shape, float value) {
    put(name, manager.full(shape, value, DataType.FLOAT32));
  }

  private void put(String name, NDArray array) {
    if (arrays.containsKey(name)) {
      throw new IllegalArgumentException("weight defined twice: " + name);
    }
    array.setName(name);
    arrays.put(name, array);
  }

  /**
   * The tensor called {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public NDArray get(String name) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException("no weight named " + name);
    }
    return array;
  }

  /** Names in definition order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(arrays.keySet()));
  }

  /** Total number of scalars. */
  public long parameterCount() {
    return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Turns gradient tracking on or off for every tensor. */
  public void requireGradients(boolean required) {
    arrays.values().forEach(a -> a.setRequiresGradient(required));
  }

  /** Writes all tensors as safetensors, in float16 when {@code half}. */
  public void save(Path file, boolean half) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (NDManager scratch = manager.newSubManager();
        OutputStream out = Files.newOutputStream(file)) {
      NDList list = new NDList();
      for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
        NDArray copy = entry.getValue().toType(half ? DataType.FLOAT16 : DataType.FLOAT32, true);
        copy.attach(scratch);
        copy.setName(entry.getKey());
        list.add(copy);
      }
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
  }

  /**
   * Loads the values of every tensor of this set from a file that {@link #save} wrote.
   *
   * @throws TensorFileException naming the file and the tensor if one is missing or has another
   *     shape
   */
  public void load(Path file) throws IOException {
    SafeTensors.copyInto(file, arrays);
  }

  @Override
  public void close() {
    manager.close();
  }
}
