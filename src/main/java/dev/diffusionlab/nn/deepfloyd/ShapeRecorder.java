package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link ParameterSource} that allocates nothing: it records every requested name and shape in
 * the order the module tree asks for them, so IF-I-XL's 4.3 B parameters can be listed in
 * milliseconds.
 */
public final class ShapeRecorder implements ParameterSource {
  private final Map<String, long[]> shapes = new LinkedHashMap<>();

  @Override
  public NDArray parameter(String name, long... shape) {
    if (shapes.put(name, shape.clone()) != null) {
      throw new IllegalStateException("parameter '" + name + "' requested twice");
    }
    return null;
  }

  /** Every recorded parameter name with its shape, in construction order. */
  public Map<String, long[]> shapes() {
    return Collections.unmodifiableMap(shapes);
  }

  /** The total number of recorded scalars. */
  public long parameterCount() {
    long total = 0;
    for (long[] shape : shapes.values()) {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      total += n;
    }
    return total;
  }
}
