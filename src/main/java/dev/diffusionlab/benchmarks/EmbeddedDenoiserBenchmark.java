package dev.diffusionlab.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.diffusion.pipelines.Conditioned;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.nn.EmbeddedDenoiser;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.EmbeddedUNet;
import dev.diffusionlab.tensor.Noise;
import dev.diffusionlab.util.Machine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the embedded denoiser: evaluations per second at batch 1 and 2 (2 is one CFG step) and the
 * wall time of one guided sample from pure noise over A1.4's 34 strided steps. The timing does not
 * depend on the weights' values, so fresh weights of the shipped architecture are used.
 *
 * <p>Run: {@code mvn -q compile exec:java
 * -Dexec.mainClass=dev.diffusionlab.benchmarks.EmbeddedDenoiserBenchmark}
 */
public final class EmbeddedDenoiserBenchmark {
  private EmbeddedDenoiserBenchmark() {}

  /** One measurement: what was timed, its median in milliseconds, and a throughput. */
  public record Timing(String what, double medianMs, String throughput) {}

  public static void main(String[] args) {
    System.out.println("machine: " + Machine.summary());
    for (Timing t : measure()) {
      System.out.printf(
          Locale.ROOT, "%-70s median %8.2f ms  %s%n", t.what(), t.medianMs(), t.throughput());
    }
  }

  /** Times evaluations at batch 1 and 2 and one full CFG sample. */
  public static List<Timing> measure() {
    List<Timing> timings = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        EmbeddedDenoiser denoiser =
            EmbeddedDenoiser.of(new EmbeddedUNet(EmbeddedDenoiser.SHIPPED, manager, 0))) {
      for (int batch : new int[] {1, 2}) {
        double[] ms = timeEvaluations(denoiser, manager, batch, 200);
        double median = ms[ms.length / 2];
        timings.add(
            new Timing(
                "one denoiser evaluation, batch " + batch + (batch == 2 ? " (one CFG step)" : ""),
                median,
                String.format(Locale.ROOT, "%.0f evaluations/s", 1000 / median)));
      }
      DenoisingLoop loop =
          new DenoisingLoop(
              new DdpmScheduler(
                  denoiser.schedule(),
                  NoiseSchedule.stridedTimesteps(990, 30),
                  DdpmScheduler.Variance.LEARNED_RANGE,
                  new DdpmScheduler.X0.Clip(-1f, 1f)));
      double[] samples = new double[5];
      for (int r = 0; r < samples.length; r++) {
        try (NDManager run = manager.newSubManager()) {
          ClassifierFreeGuidance cfg =
              ClassifierFreeGuidance.prompts(
                  Conditioned.on(denoiser, EmbeddedPrompts.GENERIC, run),
                  Conditioned.on(denoiser, "", run),
                  7);
          long t0 = System.nanoTime();
          loop.sample(run, denoiser.shape(1), cfg, Noise.seeded(r), DenoisingLoop.Observer.NONE);
          samples[r] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(samples);
      double median = samples[samples.length / 2];
      timings.add(
          new Timing(
              "one CFG sample from pure noise (34 strided steps, 68 evaluations)",
              median,
              String.format(Locale.ROOT, "%.1f samples/s", 1000 / median)));
    }
    return timings;
  }

  private static double[] timeEvaluations(
      EmbeddedDenoiser denoiser, NDManager manager, int batch, int runs) {
    double[] ms = new double[runs];
    NDArray x = manager.randomNormal(new ai.djl.ndarray.types.Shape(batch, 1, 28, 28));
    NDArray embeds =
        denoiser.prompts().embed(EmbeddedPrompts.GENERIC, manager).expandDims(0).repeat(0, batch);
    int[] t = new int[batch];
    Arrays.fill(t, 500);
    for (int i = -20; i < runs; i++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long t0 = System.nanoTime();
        denoiser.predict(x, t, embeds).toFloatArray();
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    return ms;
  }
}
