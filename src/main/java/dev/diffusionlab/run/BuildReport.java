package dev.diffusionlab.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of a build, per experiment, in dependency order. */
public record BuildReport(String profile, List<ExperimentResult> results) {
  public BuildReport {
    results = List.copyOf(results);
  }

  public boolean failed() {
    return results.stream()
        .anyMatch(
            r ->
                r.outcome() == ExperimentResult.Outcome.FAILED
                    || r.outcome() == ExperimentResult.Outcome.SKIPPED);
  }

  public long count(ExperimentResult.Outcome outcome) {
    return results.stream().filter(r -> r.outcome() == outcome).count();
  }

  /** The entries available to the report, by experiment id. */
  public Map<String, CacheEntry> entries() {
    Map<String, CacheEntry> entries = new LinkedHashMap<>();
    results.forEach(r -> r.entry().ifPresent(e -> entries.put(r.id(), e)));
    return entries;
  }

  /** Why experiments have no entry (failed or skipped), by id. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    for (ExperimentResult r : results) {
      if (r.entry().isEmpty() && r.outcome() != ExperimentResult.Outcome.WOULD_RUN) {
        problems.put(r.id(), r.detail());
      }
    }
    return problems;
  }
}
