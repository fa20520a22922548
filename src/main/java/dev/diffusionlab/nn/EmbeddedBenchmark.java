package dev.diffusionlab.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.Conditioned;
import dev.diffusionlab.diffusion.pipelines.GaussianNoise;
import dev.diffusionlab.diffusion.pipelines.IterativeDenoiser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times the embedded denoiser: evaluations per second at batch 1 (one prompt) and batch 2 (a
 * classifier-free guidance pair), and the wall time of one full CFG sample from pure noise over
 * A1.4's strided timesteps [990, 960, ..., 0] (34 steps, 68 evaluations). Timing does not depend
 * on the weights, so without an argument a freshly initialised network of the shipped size is
 * used; with one it loads that weights file.
 *
 * <p>Run with {@code mvn -q exec:java -Dexec.mainClass=dev.diffusionlab.nn.EmbeddedBenchmark
 * [-Dexec.args=path/to/denoiser.params]}.
 */
public final class EmbeddedBenchmark {
  private static final int WARMUP = 10;
  private static final int RUNS = 200;
  private static final int SAMPLES = 5;

  private EmbeddedBenchmark() {}

  public static void main(String[] args) throws IOException {
    Engine engine = Engine.getInstance();
    String threads = System.getenv("OMP_NUM_THREADS");
    System.out.printf(
        "%s %s, %d CPU cores, OMP_NUM_THREADS=%s%n",
        engine.getEngineName(),
        engine.getVersion(),
        Runtime.getRuntime().availableProcessors(),
        threads == null ? "unset" : threads);
    try (EmbeddedDenoiser denoiser = open(args)) {
      for (int batch : new int[] {1, 2}) {
        double[] ms = evaluations(denoiser, batch);
        System.out.printf(
            "batch %d: median %.2f ms per evaluation, %.1f evaluations/s (%.1f images/s)%n",
            batch, median(ms), 1000 / median(ms), 1000 * batch / median(ms));
      }
      double[] seconds = fullSamples(denoiser);
      System.out.printf(
          "full CFG sample (gamma 7, 34 strided steps, 68 evaluations in 34 batches of 2):"
              + " median %.3f s, min %.3f s over %d samples%n",
          median(seconds), Arrays.stream(seconds).min().orElse(0), SAMPLES);
    }
  }

  private static EmbeddedDenoiser open(String[] args) throws IOException {
    if (args.length > 0) {
      System.out.println("weights: " + args[0]);
      return EmbeddedDenoiser.load(Path.of(args[0]), EmbeddedDenoiser.SHIPPED);
    }
    System.out.println("weights: freshly initialised (timing does not depend on them)");
    return EmbeddedDenoiser.of(
        new EmbeddedUNet(EmbeddedDenoiser.SHIPPED, NDManager.newBaseManager(), 0));
  }

  private static double[] evaluations(EmbeddedDenoiser denoiser, int batch) {
    double[] ms = new double[RUNS];
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray embeds = denoiser.prompts().embed("a handwritten digit 3", manager);
      for (int i = -WARMUP; i < RUNS; i++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray x = new GaussianNoise(i + 100).sample(manager, new Shape(batch, 1, 28, 28));
          NDArray e = embeds.expandDims(0).repeat(0, batch);
          int[] t = new int[batch];
          Arrays.fill(t, 500);
          long start = System.nanoTime();
          denoiser.predict(x, t, e).toFloatArray();
          if (i >= 0) {
            ms[i] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
    }
    return ms;
  }

  private static double[] fullSamples(EmbeddedDenoiser denoiser) {
    NoiseSchedule schedule = denoiser.schedule();
    IterativeDenoiser loop =
        new IterativeDenoiser(
            new DdpmScheduler(schedule), NoiseSchedule.stridedTimesteps(990, 30));
    double[] seconds = new double[SAMPLES];
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassifierFreeGuidance cfg =
          new ClassifierFreeGuidance(
              Conditioned.on(denoiser, "a handwritten digit 3", manager),
              Conditioned.on(denoiser, "", manager),
              7);
      for (int i = -1; i < SAMPLES; i++) {
        long start = System.nanoTime();
        try (NDManager sample = manager.newSubManager()) {
          loop.sample(sample, 1, 1, 28, cfg, new GaussianNoise(i + 7), null).toFloatArray();
        }
        if (i >= 0) {
          seconds[i] = (System.nanoTime() - start) / 1e9;
        }
      }
    }
    return seconds;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
