package dev.diffusionlab.cli;

import dev.diffusionlab.build.Bake;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a cluster job runs: exactly one experiment into the shared cache. Exit 0 when its entry is
 * there, 1 when it failed, 2 for bad input (such as a key the manifest no longer gives), 3 when an
 * external resource is absent.
 */
@Command(
    name = "run-one",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Run one experiment into the cache (what a Slurm job runs).")
final class RunOneCommand implements Callable<Integer> {
  @Mixin ProjectOptions project = new ProjectOptions();

  @Option(names = "--profile", paramLabel = "NAME", defaultValue = "quick")
  String profile;

  @Option(names = "--id", paramLabel = "ID", required = true)
  String id;

  @Option(names = "--key", paramLabel = "KEY", required = true)
  String key;

  @Option(names = "--force", description = "Recompute even if the entry exists.")
  boolean force;

  @Override
  public Integer call() {
    return new Bake(project.project(), ExperimentTypes.standard(), System.out, false)
        .runOne(profile, id, key, force);
  }
}
