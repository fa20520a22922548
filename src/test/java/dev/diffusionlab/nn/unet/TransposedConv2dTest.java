package dev.diffusionlab.nn.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TransposedConv2dTest {

  @Test
  void upsample2xMatchesTheDefinitionOfATransposedConvolution() {
    compare(TransposedConv2d.upsample2x(3), new Shape(2, 2, 5, 4), 4, 2, 1);
  }

  @Test
  void fromPointMatchesTheDefinitionOfATransposedConvolution() {
    compare(TransposedConv2d.fromPoint(3, 7), new Shape(2, 4, 1, 1), 7, 7, 0);
  }

  private static void compare(TransposedConv2d block, Shape in, int k, int s, int p) {
    try (NDManager m = NDManager.newBaseManager()) {
      block.initialize(m, DataType.FLOAT32, in);
      Parameter bias = block.getParameters().get("bias");
      bias.getArray().set(new NDIndex(":"), m.randomUniform(-1, 1, bias.getShape()));
      NDArray x = m.randomUniform(-1, 1, in);
      NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).head();
      float[] w = block.getParameters().get("weight").getArray().toFloatArray();
      float[] expected =
          reference(
              x.toFloatArray(), w, bias.getArray().toFloatArray(), in, 3, k, s, p, y.getShape());
      assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
    }
  }

  // out[n, o, i*s - p + ky, j*s - p + kx] += x[n, c, i, j] * w[c, o, ky, kx], plus bias.
  private static float[] reference(
      float[] x, float[] w, float[] b, Shape in, int out, int k, int s, int p, Shape outShape) {
    int n = (int) in.get(0);
    int c = (int) in.get(1);
    int h = (int) in.get(2);
    int wd = (int) in.get(3);
    int oh = (int) outShape.get(2);
    int ow = (int) outShape.get(3);
    float[] y = new float[n * out * oh * ow];
    for (int ni = 0; ni < n; ni++) {
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < oh * ow; i++) {
          y[(ni * out + o) * oh * ow + i] = b[o];
        }
        for (int ci = 0; ci < c; ci++) {
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < wd; j++) {
              float v = x[((ni * c + ci) * h + i) * wd + j];
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int yy = i * s - p + ky;
                  int xx = j * s - p + kx;
                  if (yy >= 0 && yy < oh && xx >= 0 && xx < ow) {
                    y[((ni * out + o) * oh + yy) * ow + xx] +=
                        v * w[((ci * out + o) * k + ky) * k + kx];
                  }
                }
              }
            }
          }
        }
      }
    }
    return y;
  }
}
