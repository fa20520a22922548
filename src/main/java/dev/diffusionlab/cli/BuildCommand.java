package dev.diffusionlab.cli;

import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.ExperimentSpec;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.report.site.ReportData;
import dev.diffusionlab.report.site.SiteBuilder;
import dev.diffusionlab.run.BuildOptions;
import dev.diffusionlab.run.BuildReport;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.ConsoleProgress;
import dev.diffusionlab.run.EntryState;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.run.Plan;
import dev.diffusionlab.run.PlannedExperiment;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.run.ResultsStore;
import dev.diffusionlab.run.Runner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
          "Print per experiment whether it is cached, stale (and why) or would run; run nothing.")
  boolean dryRun;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder to write the site to (default: site/ in the project).")
  Path out;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    ExperimentTypes types = ExperimentTypes.standard();
    Manifest manifest = new ManifestParser(types.names()).parse(project.manifestFile());
    Plan plan = new Planner(types, project.contentDir()).plan(manifest, profile);
    ConsoleProgress console =
        new ConsoleProgress(System.out, ConsoleProgress.stdoutIsTerminal(), "");
    ResultsStore store = new ResultsStore(project.resultsDir());
    Runner runner = new Runner(store, project.contentDir(), console);
    BuildReport report =
        runner.build(plan, new BuildOptions(Set.copyOf(only), Set.copyOf(force), dryRun));
    if (dryRun) {
      System.out.printf(
          Locale.ROOT,
          "%d cached, %d to run (profile %s)%n",
          report.count(Outcome.CACHED),
          report.count(Outcome.WOULD_RUN),
          profile);
      return 0;
    }
    ReportData data = reportData(manifest, plan, report, store);
    Path site = out != null ? out.toAbsolutePath().normalize() : project.root().resolve("site");
    List<String> pages =
        new SiteBuilder(project.contentDir(), project.templatesDir()).build(data, site);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%d experiments: %d cached, %d ran, %d failed, %d skipped, %d unavailable; %d pages in %s"
            + " (%.1f s)%n",
        report.results().size(),
        report.count(Outcome.CACHED),
        report.count(Outcome.RAN),
        report.count(Outcome.FAILED),
        report.count(Outcome.SKIPPED),
        report.count(Outcome.UNAVAILABLE),
        pages.size(),
        site.resolve("index.html"),
        seconds);
    return report.failed() ? ErrorHandler.FAILED : 0;
  }

  /** Entries of this build, plus cached entries of experiments that --only left out. */
  private static ReportData reportData(
      Manifest manifest, Plan plan, BuildReport report, ResultsStore store) {
    Map<String, CacheEntry> entries = new LinkedHashMap<>();
    Map<String, String> missing = new LinkedHashMap<>(report.problems());
    Map<String, CacheEntry> built = report.entries();
    for (PlannedExperiment e : plan.experiments()) {
      if (built.containsKey(e.id())) {
        entries.put(e.id(), built.get(e.id()));
      } else if (!missing.containsKey(e.id())) {
        EntryState state = store.check(e.id(), e.key());
        if (state.usableForReport()) {
          entries.put(e.id(), state.entry().orElseThrow());
        } else {
          missing.put(e.id(), "not built yet (build without --only)");
        }
      }
    }
    List<String> order = manifest.experiments().stream().map(ExperimentSpec::id).toList();
    return new ReportData(manifest.title(), plan.profile(), entries, missing, order);
  }
}
