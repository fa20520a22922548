package dev.diffusionlab.experiments.catalog;

import dev.diffusionlab.experiments.BlurDenoiseExperiment;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.ForwardProcessExperiment;
import java.util.List;

/** Part A experiments that need no model: the forward process (A1.1) and blur denoising (A1.2). */
public final class PartAClassical {
  private PartAClassical() {}

  public static List<ExperimentType<?>> types() {
    return List.of(new ForwardProcessExperiment(), new BlurDenoiseExperiment());
  }
}
