package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.diffusionlab.io.TensorInfo;
import dev.diffusionlab.io.TensorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link ParameterSource} that reads each parameter from a state dict on disk, checks its shape
 * against the one the config implies, and places it on {@code manager} as {@code dataType}.
 */
public final class StoreParameters implements ParameterSource {
  private final TensorStore store;
  private final String description;
  private final NDManager manager;
  private final DataType dataType;
  private final Set<String> used = new HashSet<>();

  /**
   * @param store the weights
   * @param description names the weights in error messages, e.g. the file path
   * @param manager owns the loaded parameters (the model's manager)
   * @param dataType FLOAT32 (CPU) or FLOAT16 (GPU)
   */
  public StoreParameters(
      TensorStore store, String description, NDManager manager, DataType dataType) {
    this.store = store;
    this.description = description;
    this.manager = manager;
    this.dataType = dataType;
  }

  @Override
  public NDArray parameter(String name, long... shape) {
    if (!store.names().contains(name)) {
      throw new IllegalArgumentException(
          description
              + " has no tensor '"
              + name
              + "' (expected shape "
              + Arrays.toString(shape)
              + "): does config.json belong to these weights?");
    }
    TensorInfo info = store.info(name);
    if (!Arrays.equals(info.shape(), shape)) {
      throw new IllegalArgumentException(
          description
              + ": tensor '"
              + name
              + "' has shape "
              + Arrays.toString(info.shape())
              + " but config.json implies "
              + Arrays.toString(shape));
    }
    used.add(name);
    if (manager == null) {
      return null; // names and shapes only
    }
    try {
      NDArray array = store.load(name, manager, dataType);
      array.setName(name);
      return array;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A source that checks every name and shape the model asks for against the store and loads
   * nothing (it hands out null), so weights can be checked before any experiment runs.
   */
  public static StoreParameters shapesOnly(TensorStore store, String description) {
    return new StoreParameters(store, description, null, DataType.FLOAT32);
  }

  /** Names in the store that the model never asked for (a sign of a config mismatch). */
  public Set<String> unusedNames() {
    Set<String> unused = new TreeSet<>(store.names());
    unused.removeAll(used);
    return unused;
  }
}
