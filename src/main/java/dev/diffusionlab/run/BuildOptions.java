package dev.diffusionlab.run;

import java.util.Set;

/**
 * What a build should do.
 *
 * @param only run just these experiments and their dependencies (empty: all)
 * @param force recompute these even when cached
 * @param dryRun report what would run, run nothing
 */
public record BuildOptions(Set<String> only, Set<String> force, boolean dryRun) {
  public BuildOptions {
    only = Set.copyOf(only);
    force = Set.copyOf(force);
  }

  public static BuildOptions all() {
    return new BuildOptions(Set.of(), Set.of(), false);
  }
}
