package dev.diffusionlab.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every experiment of a manifest under one profile, bound and keyed, in dependency order. */
public record Plan(String profile, List<PlannedExperiment> experiments) {
  public Plan {
    experiments = List.copyOf(experiments);
  }

  public Optional<PlannedExperiment> find(String id) {
    return experiments.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** The given ids and everything they depend on, in dependency order. */
  public List<PlannedExperiment> withDependencies(Set<String> ids) {
    Map<String, PlannedExperiment> byId =
        experiments.stream().collect(Collectors.toMap(PlannedExperiment::id, Function.identity()));
    Set<String> needed = new LinkedHashSet<>();
    List<String> stack = new ArrayList<>(ids);
    while (!stack.isEmpty()) {
      String id = stack.remove(stack.size() - 1);
      if (needed.add(id)) {
        stack.addAll(byId.get(id).dependsOn());
      }
    }
    return experiments.stream().filter(e -> needed.contains(e.id())).toList();
  }

  /** Ids of experiments that depend, directly or not, on {@code id}. */
  public Set<String> downstreamOf(String id) {
    Set<String> downstream = new LinkedHashSet<>();
    for (PlannedExperiment e : experiments) {
      if (e.dependsOn().contains(id) || e.dependsOn().stream().anyMatch(downstream::contains)) {
        downstream.add(e.id());
      }
    }
    return downstream;
  }
}
