package dev.diffusionlab.cli;

import dev.diffusionlab.build.Bake;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.run.ConsoleProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs what the cache lacks and renders the site. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Run the manifest's experiments that are not cached, then render the site.")
final class BuildCommand implements Callable<Integer> {
  @Mixin ProjectOptions project = new ProjectOptions();
  @Mixin ExecutorOptions executor = new ExecutorOptions();

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      defaultValue = "quick",
      description =
          "Parameter profile: quick (fits a 2-core CPU) or course (the assignment's"
              + " settings) or one the manifest defines (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--only",
      paramLabel = "ID",
      split = ",",
      description = "Run only these experiments and what they depend on.")
  List<String> only = List.of();

  @Option(
      names = "--force",
      paramLabel = "ID",
      split = ",",
      description = "Recompute these experiments even if cached.")
  List<String> force = List.of();

  @Option(
      names = "--dry-run",
      description =
          "Check every input and print per experiment whether it is cached, stale (and why),"
              + " unavailable or would run; run nothing.")
  boolean dryRun;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder to write the site to (default: site/ in the project).")
  Path out;

  @Option(
      names = "--site-url",
      paramLabel = "URL",
      description =
          "The address the site is published at (https://...), for the links of sitemap.xml;"
              + " without it sitemap.xml is not written.")
  String siteUrl;

  @Override
  public Integer call() {
    Bake bake =
        new Bake(
            project.project(),
            ExperimentTypes.standard(),
            System.out,
            ConsoleProgress.stdoutIsTerminal());
    return bake.withExecutor(executor.choice(System.getenv()))
        .build(new Bake.Request(profile, Set.copyOf(only), Set.copyOf(force), dryRun, out, siteUrl))
        .exitCode();
  }
}
