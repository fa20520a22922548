package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.manifest.ExperimentSpec;
import java.util.List;

/**
 * An experiment ready to run: its type, its parameters bound and checked, and its cache key.
 *
 * @param params the bound parameter record of {@code type}
 * @param canonicalParams the params as they enter the cache key (defaults and profile applied)
 */
public record PlannedExperiment(
    ExperimentSpec spec,
    ExperimentType<?> type,
    Record params,
    JsonNode canonicalParams,
    CacheKey key) {

  public String id() {
    return spec.id();
  }

  public List<String> dependsOn() {
    return spec.dependsOn();
  }
}
