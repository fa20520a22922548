package dev.diffusionlab.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed and structurally valid manifest: experiments with unique simple ids and an acyclic
 * dependency graph, and named profiles. Parameters are not yet checked against their types.
 */
public record Manifest(
    LocatedYaml source,
    String title,
    List<ExperimentSpec> experiments,
    Map<String, Profile> profiles) {

  /** Profiles every manifest has, even when it does not write them. */
  public static final Set<String> BUILTIN_PROFILES = Set.of("quick", "course");

  public Manifest {
    experiments = List.copyOf(experiments);
    profiles = Map.copyOf(profiles);
  }

  public Path file() {
    return source.file();
  }

  public Optional<ExperimentSpec> experiment(String id) {
    return experiments.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** The profile of that name; quick and course exist even when empty. */
  public Optional<Profile> profile(String name) {
    Profile written = profiles.get(name);
    if (written != null) {
      return Optional.of(written);
    }
    return BUILTIN_PROFILES.contains(name) ? Optional.of(Profile.empty(name)) : Optional.empty();
  }

  /** All profile names, built-in and written. */
  public Set<String> profileNames() {
    Set<String> names = new TreeSet<>(BUILTIN_PROFILES);
    names.addAll(profiles.keySet());
    return names;
  }
}
