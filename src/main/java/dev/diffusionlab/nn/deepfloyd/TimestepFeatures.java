package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * diffusers' {@code Timesteps}: sinusoidal features of the timestep. With half = dim/2, {@code
 * freq_k = exp(-ln(10000) k / (half - freqShift))} and {@code arg = t freq_k}, all in float32 as
 * PyTorch computes them (a double argument moves the result by up to 8e-6 near t = 1000); the
 * output is [cos, sin] when {@code flipSinToCos}, else [sin, cos].
 */
final class TimestepFeatures {
  private final int dim;
  private final boolean flipSinToCos;
  private final float freqShift;

  TimestepFeatures(int dim, boolean flipSinToCos, double freqShift) {
    if (dim % 2 != 0) {
      throw new IllegalArgumentException("timestep feature width must be even, not " + dim);
    }
    this.dim = dim;
    this.flipSinToCos = flipSinToCos;
    this.freqShift = (float) freqShift;
  }

  /**
   * @param timesteps [N] float32
   * @return [N, dim] float32
   */
  NDArray forward(NDArray timesteps) {
    int half = dim / 2;
    NDArray exponent =
        timesteps.getManager().arange(0f, half, 1f, DataType.FLOAT32).mul((float) -Math.log(10000));
    NDArray frequencies = exponent.div(half - freqShift).exp();
    NDArray args =
        timesteps.toType(DataType.FLOAT32, false).expandDims(1).mul(frequencies.expandDims(0));
    NDArray sin = args.sin();
    NDArray cos = args.cos();
    return flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
  }
}
