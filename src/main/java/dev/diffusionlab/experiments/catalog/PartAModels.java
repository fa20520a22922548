package dev.diffusionlab.experiments.catalog;

import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.parta.AnagramExperiment;
import dev.diffusionlab.experiments.parta.BenchmarkExperiment;
import dev.diffusionlab.experiments.parta.ClassifierTraining;
import dev.diffusionlab.experiments.parta.DenoiseExperiment;
import dev.diffusionlab.experiments.parta.EmbeddedDenoiserTraining;
import dev.diffusionlab.experiments.parta.HybridExperiment;
import dev.diffusionlab.experiments.parta.InpaintExperiment;
import dev.diffusionlab.experiments.parta.SampleExperiment;
import dev.diffusionlab.experiments.parta.SdeditExperiment;
import java.util.List;

/** Part A experiments that use a denoiser: its training and every sampling technique. */
public final class PartAModels {
  private PartAModels() {}

  public static List<ExperimentType<?>> types() {
    return List.of(
        new EmbeddedDenoiserTraining(),
        new ClassifierTraining(),
        new SampleExperiment(),
        new DenoiseExperiment(),
        new SdeditExperiment(),
        new InpaintExperiment(),
        new AnagramExperiment(),
        new HybridExperiment(),
        new BenchmarkExperiment());
  }
}
