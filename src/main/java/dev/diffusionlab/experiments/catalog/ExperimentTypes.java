package dev.diffusionlab.experiments.catalog;

import dev.diffusionlab.experiments.ExperimentType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The experiment types a manifest may name, looked up by name. */
public final class ExperimentTypes {
  private final Map<String, ExperimentType<?>> byName = new LinkedHashMap<>();

  public ExperimentTypes(Collection<? extends ExperimentType<?>> types) {
    for (ExperimentType<?> type : types) {
      if (byName.put(type.name(), type) != null) {
        throw new IllegalArgumentException("two experiment types named " + type.name());
      }
    }
  }

  /** Every type the project ships; each part of the project lists its own. */
  public static ExperimentTypes standard() {
    return new ExperimentTypes(
        Stream.of(PartAClassical.types(), PartAModels.types(), PartB.types())
            .flatMap(List::stream)
            .toList());
  }

  public Optional<ExperimentType<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every type, in the order they were listed. */
  public List<ExperimentType<?>> all() {
    return List.copyOf(byName.values());
  }

  /** The names of all types, for error messages. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
