package dev.diffusionlab.cli;

import dev.diffusionlab.build.Bake;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Cache maintenance. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = "Inspect and clean the experiment cache (results/).",
    subcommands = {CacheCommand.Gc.class})
final class CacheCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Removes entries that no experiment of the manifest reaches under any of its profiles. */
  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description =
          "Remove cache entries that no experiment of the manifest reaches under any profile.")
  static final class Gc implements Callable<Integer> {
    @Mixin ProjectOptions project = new ProjectOptions();

    @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      Bake bake = new Bake(project.project(), ExperimentTypes.standard(), System.out, false);
      List<Path> removed = bake.gc(dryRun);
      removed.forEach(p -> System.out.println((dryRun ? "would remove " : "removed ") + p));
      System.out.println((dryRun ? "would remove " : "removed ") + removed.size() + " entries");
      return 0;
    }
  }
}
