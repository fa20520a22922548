package dev.diffusionlab.nn.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class UNetTest {

  @Test
  void unconditionalUNetAtWidth128HasTheAssignmentsParameterCount() {
    assertEquals(7_891_073L, parameters(UNetConfig.mnist(128, Conditioning.NONE)));
  }

  @Test
  void timeConditionedUNetAtWidth64HasTheAssignmentsParameterCount() {
    assertEquals(1_996_417L, parameters(UNetConfig.mnist(64, Conditioning.TIME)));
  }

  @Test
  void classConditionedUNetAtWidth64HasTheAssignmentsParameterCount() {
    assertEquals(2_019_201L, parameters(UNetConfig.mnist(64, Conditioning.TIME_AND_CLASS)));
  }

  @Test
  void everyBlockHasTheShapeAndParameterCountOfItsTorchCounterpart() {
    // Counts follow torch: conv in*out*k*k + out, BatchNorm 2*out (running stats are buffers).
    int d = 8;
    check(
        UNetBlocks.conv(d),
        new Shape(2, 3, 28, 28),
        new Shape(2, d, 28, 28),
        3 * d * 9 + d + 2 * d);
    check(
        UNetBlocks.downConv(d),
        new Shape(2, 3, 28, 28),
        new Shape(2, d, 14, 14),
        3 * d * 9 + 3 * d);
    check(UNetBlocks.upConv(d), new Shape(2, 3, 7, 7), new Shape(2, d, 14, 14), 3 * d * 16 + 3 * d);
    check(UNetBlocks.flatten(), new Shape(2, d, 7, 7), new Shape(2, d, 1, 1), 0);
    check(
        UNetBlocks.unflatten(d), new Shape(2, d, 1, 1), new Shape(2, d, 7, 7), d * d * 49 + 3 * d);
    long conv = d * d * 9 + 3 * d;
    check(UNetBlocks.convBlock(d), new Shape(2, d, 14, 14), new Shape(2, d, 14, 14), 2 * conv);
    check(UNetBlocks.downBlock(d), new Shape(2, d, 14, 14), new Shape(2, d, 7, 7), 3 * conv);
    check(
        UNetBlocks.upBlock(d),
        new Shape(2, d, 7, 7),
        new Shape(2, d, 14, 14),
        d * d * 16 + 3 * d + 2 * conv);
    check(UNetBlocks.fcBlock(d), new Shape(2, 10), new Shape(2, d), 10 * d + d + d * d + d);
  }

  @Test
  void everyVariantMapsAnImageBatchToAnImageBatch() {
    for (Conditioning c : Conditioning.values()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        UNet net = new UNet(UNetConfig.mnist(4, c));
        Shape[] shapes = net.inputShapes(3);
        net.initialize(manager, DataType.FLOAT32, shapes);
        NDList inputs = new NDList();
        for (Shape s : shapes) {
          inputs.add(manager.randomUniform(0, 1, s));
        }
        NDArray out =
            net.forward(new ParameterStore(manager, false), inputs, false).singletonOrThrow();
        assertArrayEquals(new long[] {3, 1, 28, 28}, out.getShape().getShape(), c.name());
      }
    }
  }

  private static long parameters(UNetConfig config) {
    try (NDManager manager = NDManager.newBaseManager()) {
      UNet net = new UNet(config);
      net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
      return net.trainableParameterCount();
    }
  }

  private static void check(Block block, Shape in, Shape expectedOut, long expectedParameters) {
    try (NDManager manager = NDManager.newBaseManager()) {
      block.initialize(manager, DataType.FLOAT32, in);
      NDArray out =
          block
              .forward(new ParameterStore(manager, false), new NDList(manager.ones(in)), true)
              .singletonOrThrow();
      assertEquals(expectedOut, out.getShape());
      assertEquals(expectedOut, block.getOutputShapes(new Shape[] {in})[0]);
      long count =
          block.getParameters().values().stream()
              .filter(p -> p.requiresGradient())
              .mapToLong(p -> p.getShape().size())
              .sum();
      assertEquals(expectedParameters, count);
    }
  }
}
