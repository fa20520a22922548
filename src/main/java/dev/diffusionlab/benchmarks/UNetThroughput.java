package dev.diffusionlab.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.diffusionlab.nn.unet.UNet;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.training.Adam;

/** Measures training and network-evaluation speed of a part B UNet on random inputs. */
public final class UNetThroughput {
  private UNetThroughput() {}

  /**
   * A measured speed.
   *
   * @param imagesPerSecond images processed per second
   * @param msPerStep milliseconds per training step or per network evaluation of the batch
   */
  public record Result(double imagesPerSecond, double msPerStep) {}

  /**
   * Adam training steps with an MSE loss: one warm-up step, then {@code steps} timed; the fastest
   * counts, as timeit's do, since a step can only be slowed by other work on the machine.
   */
  public static Result training(UNetConfig config, int batch, int steps) {
    try (NDManager manager = NDManager.newBaseManager()) {
      UNet net = new UNet(config);
      net.initialize(manager, DataType.FLOAT32, net.inputShapes(batch));
      Adam adam = Adam.of(net, manager);
      ParameterStore store = new ParameterStore(manager, false);
      trainStep(net, adam, store, manager, batch);
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < steps; i++) {
        long start = System.nanoTime();
        trainStep(net, adam, store, manager, batch);
        fastest = Math.min(fastest, System.nanoTime() - start);
      }
      return result(fastest, batch);
    }
  }

  /** Inference evaluations of a batch: one warm-up, then {@code evaluations} timed; the fastest. */
  public static Result evaluation(UNetConfig config, int batch, int evaluations) {
    try (NDManager manager = NDManager.newBaseManager()) {
      UNet net = new UNet(config);
      net.initialize(manager, DataType.FLOAT32, net.inputShapes(batch));
      ParameterStore store = new ParameterStore(manager, false);
      evaluate(net, store, manager, batch);
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < evaluations; i++) {
        long start = System.nanoTime();
        evaluate(net, store, manager, batch);
        fastest = Math.min(fastest, System.nanoTime() - start);
      }
      return result(fastest, batch);
    }
  }

  private static Result result(long nanosPerStep, int batch) {
    double seconds = nanosPerStep / 1e9;
    return new Result(batch / seconds, seconds * 1000);
  }

  private static void trainStep(
      UNet net, Adam adam, ParameterStore store, NDManager manager, int batch) {
    try (NDScope scope = new NDScope();
        NDManager step = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      NDList inputs = randomInputs(net, step, batch);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray out = net.forward(store, inputs, true).head();
        collector.backward(out.sub(inputs.head()).square().mean());
      }
      adam.step(1e-3f);
    }
  }

  private static void evaluate(UNet net, ParameterStore store, NDManager manager, int batch) {
    try (NDScope scope = new NDScope();
        NDManager step = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      net.forward(store, randomInputs(net, step, batch), false).head().toFloatArray();
    }
  }

  private static NDList randomInputs(UNet net, NDManager manager, int batch) {
    NDList inputs = new NDList();
    for (Shape s : net.inputShapes(batch)) {
      inputs.add(manager.randomUniform(0, 1, s));
    }
    return inputs;
  }
}
