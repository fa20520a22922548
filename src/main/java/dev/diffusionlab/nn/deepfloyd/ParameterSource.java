package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;

/**
 * Supplies the UNet's parameters by their diffusers state-dict names while the module tree is
 * built. The same construction code either loads real weights or only records names and shapes, so
 * a model's parameter list can be checked against a reference without allocating it.
 */
public interface ParameterSource {

  /**
   * The parameter {@code name} of the given shape.
   *
   * @return the tensor, or {@code null} when this source only records shapes
   */
  NDArray parameter(String name, long... shape);
}
