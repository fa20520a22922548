package dev.diffusionlab.experiments.catalog;

import dev.diffusionlab.experiments.DiffusionUNetExperiment;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.MnistClassifierExperiment;
import dev.diffusionlab.experiments.MnistNoisingExperiment;
import dev.diffusionlab.experiments.OneStepDenoiserExperiment;
import dev.diffusionlab.experiments.PartBBenchmarkExperiment;
import dev.diffusionlab.experiments.SampleScoresExperiment;
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
