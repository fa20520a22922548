package dev.diffusionlab.nn.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * {@code torch.nn.ConvTranspose2d} for the two shapes the UNet uses, built from ordinary
 * convolutions and matrix products because DJL's PyTorch engine has no transposed convolution.
 * Weight [in, out, k, k] and bias [out], as in torch.
 *
 * <ul>
 *   <li>{@link #upsample2x}: kernel 4, stride 2, padding 1 (UpConv). Each of the four output phases
 *       (even/odd row, even/odd column) is a 2×2 convolution of the padded input with every other
 *       tap of the flipped kernel; the phases are then interleaved. Same FLOPs as torch.
 *   <li>{@link #fromPoint}: a 1×1 input with kernel = stride = s and no padding (Unflatten): the
 *       output is {@code x [N, in] · W [in, out·s·s]} reshaped to [N, out, s, s].
 * </ul>
 */
public final class TransposedConv2d extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int outChannels;
  private final int kernel;
  private final boolean point;
  private final Parameter weight;
  private final Parameter bias;

  private TransposedConv2d(int outChannels, int kernel, boolean point) {
    super(VERSION);
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.point = point;
    weight =
        addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
  }

  /** Kernel 4, stride 2, padding 1: [N, in, H, W] → [N, out, 2H, 2W]. */
  public static TransposedConv2d upsample2x(int outChannels) {
    return new TransposedConv2d(outChannels, 4, false);
  }

  /** Kernel = stride = {@code size}, no padding: [N, in, 1, 1] → [N, out, size, size]. */
  public static TransposedConv2d fromPoint(int outChannels, int size) {
    return new TransposedConv2d(outChannels, size, true);
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long in = inputShapes[0].get(1);
    weight.setShape(new Shape(in, outChannels, kernel, kernel));
    bias.setShape(new Shape(outChannels));
    // torch's default for ConvTranspose2d: U(-b, b) with b = 1 / sqrt(out * k * k).
    weight.setInitializer(
        new UniformInitializer((float) (1 / Math.sqrt((double) outChannels * kernel * kernel))));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    return new NDList(point ? fromPoint(x, w, b) : upsample2x(x, w, b));
  }

  private NDArray fromPoint(NDArray x, NDArray w, NDArray b) {
    long n = x.getShape().get(0);
    long in = x.getShape().get(1);
    if (x.getShape().get(2) != 1 || x.getShape().get(3) != 1) {
      throw new IllegalArgumentException("fromPoint expects a 1×1 input, got " + x.getShape());
    }
    NDArray out =
        x.reshape(n, in).matMul(w.reshape(in, -1)).reshape(n, outChannels, kernel, kernel);
    return out.add(b.reshape(1, outChannels, 1, 1));
  }

  // Output row 2i uses input rows i-1, i with taps 3, 1; row 2i+1 uses rows i, i+1 with taps 2, 0.
  // With the input padded by 1 and the kernel flipped, phase a reads padded rows i+a, i+a+1 with
  // flipped taps a, a+2: a 2×2 convolution over padded[a : a+H+1].
  private NDArray upsample2x(NDArray x, NDArray w, NDArray b) {
    long n = x.getShape().get(0);
    long h = x.getShape().get(2);
    long wd = x.getShape().get(3);
    NDArray padded = x.pad(new Shape(1, 1, 1, 1), 0);
    NDArray flipped = w.flip(2, 3).transpose(1, 0, 2, 3);
    NDArray[] rows = new NDArray[2];
    for (int a = 0; a < 2; a++) {
      NDArray[] cols = new NDArray[2];
      for (int c = 0; c < 2; c++) {
        NDArray k = flipped.get(":, :, " + a + "::2, " + c + "::2");
        NDArray window =
            padded.get(":, :, " + a + ":" + (a + h + 1) + ", " + c + ":" + (c + wd + 1));
        cols[c] =
            Conv2d.conv2d(window, k, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
      }
      rows[a] = NDArrays.stack(new NDList(cols), 4);
    }
    NDArray out = NDArrays.stack(new NDList(rows), 3).reshape(n, outChannels, 2 * h, 2 * wd);
    return out.add(b.reshape(1, outChannels, 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    long scale = point ? kernel : 2;
    return new Shape[] {new Shape(s.get(0), outChannels, s.get(2) * scale, s.get(3) * scale)};
  }
}
