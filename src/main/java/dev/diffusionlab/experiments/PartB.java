package dev.diffusionlab.experiments;

import java.util.List;

/**
 * Part B experiments: UNets trained from scratch on MNIST (one-step denoising, DDPM and flow
 * matching, time- and class-conditioned), the classifier that scores their samples, and the
 * throughput benchmark.
 */
public final class PartB {
  private PartB() {}

  public static List<ExperimentType<?>> types() {
    return List.of(
        new MnistNoisingExperiment(),
        new OneStepDenoiserExperiment(),
        new DiffusionUNetExperiment(),
        new MnistClassifierExperiment(),
        new SampleScoresExperiment(),
        new PartBBenchmarkExperiment());
  }
}
