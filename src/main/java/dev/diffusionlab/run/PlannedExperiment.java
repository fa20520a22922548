package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.manifest.ExperimentSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

  /** The outputs the type declares for these params (empty if it declares none). */
  public List<DeclaredOutput> declaredOutputs() {
    return declared(type);
  }

  private <P extends Record> List<DeclaredOutput> declared(ExperimentType<P> t) {
    return t.outputs(t.paramsType().cast(params));
  }

  /** Why an external resource of this experiment is absent, if it is. */
  public Optional<String> unavailable(Path contentDir) {
    return unavailable(type, contentDir);
  }

  private <P extends Record> Optional<String> unavailable(ExperimentType<P> t, Path contentDir) {
    return t.unavailable(t.paramsType().cast(params), contentDir);
  }
}
