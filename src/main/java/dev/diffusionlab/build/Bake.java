package dev.diffusionlab.build;

import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.ExperimentSpec;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.manifest.Resources;
import dev.diffusionlab.report.site.MarkdownRenderer;
import dev.diffusionlab.report.site.ReportData;
import dev.diffusionlab.report.site.SiteBuilder;
import dev.diffusionlab.run.BuildOptions;
import dev.diffusionlab.run.BuildReport;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.ConsoleProgress;
import dev.diffusionlab.run.EntryState;
import dev.diffusionlab.run.Executor;
import dev.diffusionlab.run.ExperimentResult;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.run.LocalExecutor;
import dev.diffusionlab.run.Plan;
import dev.diffusionlab.run.PlannedExperiment;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.run.ResultsStore;
import dev.diffusionlab.run.Runner;
import dev.diffusionlab.run.WorkEstimate;
import dev.diffusionlab.run.slurm.JobCommand;
import dev.diffusionlab.run.slurm.JobRecord;
import dev.diffusionlab.run.slurm.SlurmExecutor;
import dev.diffusionlab.util.Suggestions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole build in one place, like JBake's Oven: parse the manifest, plan it under a profile,
 * check every input (params, content files, pages, options, the output folder), and only then run
 * what the cache lacks and render the site. The command line, the cache command and tests call it.
 */
public final class Bake {
  private final Project project;
  private final ExperimentTypes types;
  private final PrintStream out;
  private final boolean terminal;
  private final ExecutorChoice executor;

  /**
   * @param out where progress and the summary go
   * @param terminal whether {@code out} is an interactive terminal (progress redraws in place)
   */
  public Bake(Project project, ExperimentTypes types, PrintStream out, boolean terminal) {
    this(project, types, out, terminal, ExecutorChoice.LOCAL);
  }

  private Bake(
      Project project,
      ExperimentTypes types,
      PrintStream out,
      boolean terminal,
      ExecutorChoice executor) {
    this.project = project;
    this.types = types;
    this.out = out;
    this.terminal = terminal;
    this.executor = executor;
  }

  /** This bake, running what the cache lacks with {@code choice}. */
  public Bake withExecutor(ExecutorChoice choice) {
    return new Bake(project, types, out, terminal, choice);
  }

  /**
   * What to build.
   *
   * @param out the site folder, or null for the project's {@code site/}
   * @param siteUrl the address the site is published at (for {@code sitemap.xml}), or null
   */
  public record Request(
      String profile,
      Set<String> only,
      Set<String> force,
      boolean dryRun,
      Path out,
      String siteUrl) {
    public Request {
      only = Set.copyOf(only);
      force = Set.copyOf(force);
    }

    public Request(String profile, Set<String> only, Set<String> force, boolean dryRun, Path out) {
      this(profile, only, force, dryRun, out, null);
    }

    /** Everything under a profile, into the project's site folder. */
    public static Request of(String profile) {
      return new Request(profile, Set.of(), Set.of(), false, null);
    }
  }

  /** A manifest planned under a profile, with every input checked, ready to run. */
  public record Checked(Manifest manifest, Plan plan, Path site) {}

  /**
   * What a build did.
   *
   * @param pages the pages written (empty for a dry run)
   * @param data what the site was rendered from; null after a dry run
   */
  public record Result(BuildReport report, List<String> pages, Path site, ReportData data) {
    /** 0, or 1 when an experiment failed (or was skipped because a dependency failed). */
    public int exitCode() {
      return report.failed() ? 1 : 0;
    }
  }

  /**
   * Parses, plans and checks everything a build needs before any experiment runs.
   *
   * @throws dev.diffusionlab.manifest.ManifestException for a bad manifest or params, all at once
   * @throws BadOptionException for a profile or id the manifest does not have
   * @throws BadInputException for bad pages or output folder, every problem at once
   */
  public Checked check(Request request) {
    Manifest manifest = parse();
    if (manifest.profile(request.profile()).isEmpty()) {
      throw new BadOptionException(
          "--profile",
          "unknown profile '"
              + request.profile()
              + "'"
              + Suggestions.didYouMean(request.profile(), manifest.profileNames())
              + "; "
              + manifest.file()
              + " has: "
              + String.join(", ", manifest.profileNames()));
    }
    Plan plan = planner().plan(manifest, request.profile());
    checkIds(plan, request.only(), "--only");
    checkIds(plan, request.force(), "--force");
    SiteBuilder.siteUrlProblem(request.siteUrl())
        .ifPresent(
            problem -> {
              throw new BadOptionException("--site-url", problem);
            });
    Path site =
        request.out() != null ? request.out().toAbsolutePath().normalize() : project.defaultSite();
    List<String> problems = new ArrayList<>();
    outputFolderProblem(site).ifPresent(problems::add);
    problems.addAll(siteBuilder().checkPages(new PlanOutputs(plan, store())));
    if (!problems.isEmpty()) {
      throw new BadInputException(problems);
    }
    return new Checked(manifest, plan, site);
  }

  /**
   * Checks everything, then runs what the cache lacks and renders the site; a dry run prints what
   * would run and stops there.
   */
  public Result build(Request request) {
    long start = System.nanoTime();
    Checked checked = check(request);
    ResultsStore store = store();
    ConsoleProgress console = new ConsoleProgress(out, terminal, "");
    Runner runner = new Runner(store, executor(checked, store, console));
    BuildOptions options = new BuildOptions(request.only(), request.force(), request.dryRun());
    Executor.Work work = runner.decide(checked.plan(), options);
    WorkEstimate estimate = estimate(work, store);
    if (request.dryRun()) {
      BuildReport report = runner.report(work);
      printDryRun(checked.plan(), report, estimate);
      return new Result(report, List.of(), checked.site(), null);
    }
    estimate.summary().ifPresent(out::println);
    BuildReport report = runner.execute(work);
    ReportData data = reportData(checked.manifest(), checked.plan(), report, store);
    List<String> pages = siteBuilder().build(data, checked.site(), request.siteUrl());
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        Locale.ROOT,
        "%d experiments: %d cached, %d ran, %d failed, %d skipped, %d unavailable%s; %d pages in %s"
            + " (%.1f s)%n",
        report.results().size(),
        report.count(Outcome.CACHED),
        report.count(Outcome.RAN),
        report.count(Outcome.FAILED),
        report.count(Outcome.SKIPPED),
        report.count(Outcome.UNAVAILABLE),
        report.count(Outcome.SUBMITTED) == 0
            ? ""
            : ", " + report.count(Outcome.SUBMITTED) + " still running as Slurm jobs",
        pages.size(),
        checked.site().resolve("index.html"),
        seconds);
    return new Result(report, pages, checked.site(), data);
  }

  private Executor executor(Checked checked, ResultsStore store, ConsoleProgress console) {
    if (executor.kind() == ExecutorChoice.Kind.LOCAL) {
      return new LocalExecutor(store, project.contentDir(), console);
    }
    Resources resources =
        checked.manifest().profile(checked.plan().profile()).orElseThrow().resources();
    SlurmExecutor.Settings settings =
        new SlurmExecutor.Settings(
            JobCommand.thisProgram(project.root(), project.manifest(), executor.cudaJar()),
            e -> resources.of(e.type().name(), e.id()),
            executor.sbatchOptions(),
            executor.noWait(),
            executor.poll());
    return new SlurmExecutor(store, project.contentDir(), console, executor.slurm(), settings);
  }

  /**
   * Runs one experiment into the cache, as a cluster job does: its dependencies must have their
   * entries; if the entry exists already (another job or build made it) nothing runs.
   *
   * @param key the cache key the job was submitted for
   * @return 0 when the entry is there, 1 when the run failed, {@link
   *     SlurmExecutor#EXIT_UNAVAILABLE} when an external resource is absent
   * @throws BadOptionException for an unknown profile or id, or a key the manifest no longer gives
   */
  public int runOne(String profile, String id, String key, boolean force) {
    Manifest manifest = parse();
    if (manifest.profile(profile).isEmpty()) {
      throw new BadOptionException("--profile", "unknown profile '" + profile + "'");
    }
    Plan plan = planner().plan(manifest, profile);
    checkIds(plan, Set.of(id), "--id");
    PlannedExperiment e = plan.find(id).orElseThrow();
    if (!e.key().hash().equals(key)) {
      throw new BadOptionException(
          "--key",
          id
              + " has key "
              + e.key().hash()
              + " now, not "
              + key
              + ": the manifest or an input changed after the job was submitted; build again");
    }
    ResultsStore store = store();
    if (!force && store.check(id, e.key()).condition() == EntryState.Condition.COMPLETE) {
      out.println(id + ": already in the cache");
      return 0;
    }
    ConsoleProgress console = new ConsoleProgress(out, false, "");
    Map<String, CacheEntry> deps = new LinkedHashMap<>();
    for (String dep : e.dependsOn()) {
      PlannedExperiment d = plan.find(dep).orElseThrow();
      EntryState state = store.check(d.id(), d.key());
      if (state.condition() != EntryState.Condition.COMPLETE) {
        out.println(
            "failed: dependency " + dep + " has no complete entry (" + state.reason() + ")");
        return 1;
      }
      deps.put(dep, state.entry().orElseThrow());
    }
    ExperimentResult result =
        new LocalExecutor(store, project.contentDir(), console).runOne(profile, e, deps, force);
    return switch (result.outcome()) {
      case RAN, CACHED -> 0;
      case UNAVAILABLE -> {
        out.println("unavailable: " + result.detail());
        yield SlurmExecutor.EXIT_UNAVAILABLE;
      }
      default -> {
        out.println(result.detail());
        yield 1;
      }
    };
  }

  /** Renders the pages and templates from a build's data into {@code site} again. */
  public List<String> render(ReportData data, Path site) {
    return siteBuilder().build(data, site);
  }

  /**
   * Removes cache entries that no experiment of the manifest reaches under any of its profiles.
   *
   * @return the entry folders removed (or, for a dry run, that would be)
   */
  public List<Path> gc(boolean dryRun) {
    Manifest manifest = parse();
    Planner planner = planner();
    List<Plan> plans = new ArrayList<>();
    for (String profile : manifest.profileNames()) {
      plans.add(planner.plan(manifest, profile));
    }
    Runner runner = new Runner(store(), project.contentDir(), new ConsoleProgress(out, false, ""));
    return runner.gc(plans, dryRun);
  }

  private Manifest parse() {
    return new ManifestParser(types.names()).parse(project.manifest());
  }

  private Planner planner() {
    return new Planner(types, project.contentDir());
  }

  private ResultsStore store() {
    return new ResultsStore(project.resultsDir());
  }

  private SiteBuilder siteBuilder() {
    return new SiteBuilder(project.contentDir(), project.templatesDir());
  }

  private static void checkIds(Plan plan, Set<String> ids, String option) {
    List<String> known = plan.experiments().stream().map(PlannedExperiment::id).toList();
    for (String id : ids.stream().sorted().toList()) {
      if (plan.find(id).isEmpty()) {
        throw new BadOptionException(
            option,
            "no experiment '"
                + id
                + "'"
                + Suggestions.didYouMean(id, known)
                + "; ids are "
                + String.join(", ", known));
      }
    }
  }

  /** The site may only go to a new or empty folder, or one a build made, outside the project's. */
  private Optional<String> outputFolderProblem(Path site) {
    for (Path own : List.of(project.contentDir(), project.templatesDir(), project.resultsDir())) {
      if (site.startsWith(own) || own.startsWith(site)) {
        return Optional.of(
            "--out " + site + ": the site cannot be written over the project's " + own);
      }
    }
    return SiteBuilder.outputFolderProblem(site).map(problem -> "--out " + problem);
  }

  /** The predicted time of what must run, leaving out experiments that are unavailable. */
  private WorkEstimate estimate(Executor.Work work, ResultsStore store) {
    List<PlannedExperiment> toRun = new ArrayList<>();
    for (PlannedExperiment e : work.selected()) {
      if (work.toRun().containsKey(e.id()) && e.unavailable(project.contentDir()).isEmpty()) {
        toRun.add(e);
      }
    }
    return WorkEstimate.of(toRun, store);
  }

  /**
   * One aligned line per experiment: id, type, what a build would do and why (with the predicted
   * time of what is to run); then a summary.
   */
  private void printDryRun(Plan plan, BuildReport report, WorkEstimate estimate) {
    ResultsStore store = store();
    List<String[]> rows = new ArrayList<>();
    int unavailable = 0;
    for (ExperimentResult r : report.results()) {
      PlannedExperiment e = plan.find(r.id()).orElseThrow();
      String state;
      String detail;
      Optional<String> absent =
          r.outcome() == Outcome.WOULD_RUN ? e.unavailable(project.contentDir()) : Optional.empty();
      if (absent.isPresent()) {
        state = "unavailable";
        detail = absent.get();
        unavailable++;
      } else if (r.outcome() == Outcome.CACHED) {
        state = "cached";
        detail =
            r.detail().equals("cached") ? "" : r.detail().replaceFirst("^cached \\((.*)\\)$", "$1");
      } else {
        state = "to run";
        detail =
            r.detail()
                + estimate
                    .of(e.id())
                    .map(seconds -> " (about " + ConsoleProgress.duration(seconds) + ")")
                    .orElse("")
                + JobRecord.read(JobRecord.fileFor(store.idDir(e.id()), e.key()))
                    .map(
                        job ->
                            "; submitted as Slurm job "
                                + job.jobId()
                                + " at "
                                + job.submitted()
                                + " (build --executor slurm follows it)")
                    .orElse("");
      }
      rows.add(new String[] {e.id(), e.type().name(), state, detail});
    }
    int[] widths = new int[3];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      out.println((line + row[3]).stripTrailing());
    }
    out.printf(
        Locale.ROOT,
        "%d cached, %d to run, %d unavailable (profile %s)%n",
        report.count(Outcome.CACHED),
        report.count(Outcome.WOULD_RUN) - unavailable,
        unavailable,
        plan.profile());
    estimate.summary().ifPresent(out::println);
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

  /**
   * The outputs of a plan as known before it runs: what each type declares for its params, or, for
   * a type that declares nothing, what its cached entry holds (read, not verified: the run
   * verifies).
   */
  private record PlanOutputs(Plan plan, ResultsStore store)
      implements MarkdownRenderer.OutputCatalog {
    @Override
    public Collection<String> ids() {
      return plan.experiments().stream().map(PlannedExperiment::id).toList();
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> params(String id) {
      return plan.find(id).map(PlannedExperiment::canonicalParams);
    }

    @Override
    public Optional<List<DeclaredOutput>> outputs(String id) {
      Optional<PlannedExperiment> found = plan.find(id);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      PlannedExperiment e = found.get();
      List<DeclaredOutput> declared = e.declaredOutputs();
      if (!declared.isEmpty()) {
        return Optional.of(declared);
      }
      Path dir = store.entryDir(e.id(), e.key());
      if (!Files.isRegularFile(dir.resolve("entry.json"))) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            store.read(dir).outputs().stream()
                .map(o -> new DeclaredOutput(o.file(), o.kind(), o.description()))
                .toList());
      } catch (RuntimeException unreadable) {
        return Optional.empty();
      }
    }
  }
}
