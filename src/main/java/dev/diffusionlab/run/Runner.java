package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.util.FileTrees;
import dev.diffusionlab.util.Machine;
import dev.diffusionlab.util.ResourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the experiments of a plan that the cache does not already hold, in dependency order. An
 * experiment that fails leaves no entry; the ones that do not depend on it still run, and every
 * finished entry is kept.
 */
public final class Runner {
  private static final int MAX_REASON = 120;
  // An absolute path (group 1 its folders, group 2 its last part), as Unix or Windows writes it.
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile(
          "(?<![\\w.])((?:[A-Za-z]:)?(?:[/\\\\][^/\\\\\\s:'\"]+)*[/\\\\])([^/\\\\\\s:'\"]+)");
  private final ResultsStore store;
  private final Path contentDir;
  private final ConsoleProgress console;

  public Runner(ResultsStore store, Path contentDir, ConsoleProgress console) {
    this.store = store;
    this.contentDir = contentDir;
    this.console = console;
  }

  /**
   * Builds what the options ask for.
   *
   * @throws IllegalArgumentException if {@code only} or {@code force} name an unknown id
   */
  public BuildReport build(Plan plan, BuildOptions options) {
    checkIds(plan, options.only(), "--only");
    checkIds(plan, options.force(), "--force");
    List<PlannedExperiment> selected =
        options.only().isEmpty() ? plan.experiments() : plan.withDependencies(options.only());
    Map<String, EntryState> states = new HashMap<>();
    for (PlannedExperiment e : selected) {
      states.put(e.id(), store.check(e.id(), e.key()));
    }
    Map<String, String> toRun = decideWhatRuns(selected, states, options.force());
    if (options.dryRun()) {
      return dryRun(plan.profile(), selected, states, toRun);
    }
    try (ResultsStore.Lock lock = store.lock()) {
      return execute(plan.profile(), selected, states, toRun);
    }
  }

  private static void checkIds(Plan plan, Set<String> ids, String option) {
    for (String id : ids) {
      if (plan.find(id).isEmpty()) {
        throw new IllegalArgumentException(
            option
                + " "
                + id
                + ": no experiment with that id; ids are "
                + String.join(
                    ", ", plan.experiments().stream().map(PlannedExperiment::id).toList()));
      }
    }
  }

  /** Id → reason, for every experiment that must run. */
  private Map<String, String> decideWhatRuns(
      List<PlannedExperiment> selected, Map<String, EntryState> states, Set<String> force) {
    Map<String, String> toRun = new HashMap<>();
    for (PlannedExperiment e : selected) {
      EntryState state = states.get(e.id());
      if (force.contains(e.id())) {
        toRun.put(e.id(), "forced");
      } else if (state.condition() == EntryState.Condition.CORRUPT) {
        toRun.put(e.id(), "corrupt entry (" + state.reason() + ")");
      } else if (state.condition() == EntryState.Condition.ABSENT) {
        toRun.put(e.id(), whyAbsent(e));
      }
    }
    // An experiment that runs needs its dependencies' large files (checkpoints), which a fresh
    // clone lacks: those dependencies are recomputed first. Reverse order reaches a fixpoint.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = selected.size() - 1; i >= 0; i--) {
        PlannedExperiment e = selected.get(i);
        if (!toRun.containsKey(e.id())) {
          continue;
        }
        for (String dep : e.dependsOn()) {
          if (!toRun.containsKey(dep)
              && states.get(dep).condition() != EntryState.Condition.COMPLETE) {
            toRun.put(dep, "its large files are needed by " + e.id());
            changed = true;
          }
        }
      }
    }
    return toRun;
  }

  private String whyAbsent(PlannedExperiment e) {
    List<CacheEntry> older = store.otherEntries(e.id(), e.key());
    if (older.isEmpty()) {
      return "never run";
    }
    return "stale: "
        + StaleReason.explain(e.key().material(), older.get(0).json().path("keyMaterial"));
  }

  private BuildReport dryRun(
      String profile,
      List<PlannedExperiment> selected,
      Map<String, EntryState> states,
      Map<String, String> toRun) {
    List<ExperimentResult> results = new ArrayList<>();
    for (PlannedExperiment e : selected) {
      String reason = toRun.get(e.id());
      EntryState state = states.get(e.id());
      if (reason == null) {
        String detail =
            state.condition() == EntryState.Condition.RENDERABLE
                ? "cached (" + state.reason() + ")"
                : "cached";
        results.add(new ExperimentResult(e.id(), Outcome.CACHED, detail, state.entry(), 0));
      } else {
        results.add(new ExperimentResult(e.id(), Outcome.WOULD_RUN, reason, state.entry(), 0));
      }
    }
    return new BuildReport(profile, results);
  }

  private BuildReport execute(
      String profile,
      List<PlannedExperiment> selected,
      Map<String, EntryState> states,
      Map<String, String> toRun) {
    List<ExperimentResult> results = new ArrayList<>();
    Map<String, CacheEntry> finished = new HashMap<>();
    Set<String> broken = new LinkedHashSet<>();
    Map<String, String> unavailable = new HashMap<>();
    int index = 0;
    int runCount = toRun.size();
    for (PlannedExperiment e : selected) {
      String reason = toRun.get(e.id());
      if (reason == null) {
        CacheEntry entry = states.get(e.id()).entry().orElseThrow();
        finished.put(e.id(), entry);
        results.add(
            new ExperimentResult(e.id(), Outcome.CACHED, "cached", states.get(e.id()).entry(), 0));
        continue;
      }
      index++;
      List<String> unavailableDeps =
          e.dependsOn().stream().filter(unavailable::containsKey).toList();
      if (!unavailableDeps.isEmpty()) {
        String detail = unavailable.get(unavailableDeps.get(0));
        unavailable.put(e.id(), detail);
        results.add(new ExperimentResult(e.id(), Outcome.UNAVAILABLE, detail, Optional.empty(), 0));
        continue;
      }
      List<String> failedDeps = e.dependsOn().stream().filter(broken::contains).toList();
      if (!failedDeps.isEmpty()) {
        broken.add(e.id());
        String detail = "skipped: dependency " + String.join(", ", failedDeps) + " failed";
        console.log(String.format(Locale.ROOT, "[%d/%d] %s %s", index, runCount, e.id(), detail));
        results.add(new ExperimentResult(e.id(), Outcome.SKIPPED, detail, Optional.empty(), 0));
        continue;
      }
      console.log(
          String.format(
              Locale.ROOT,
              "[%d/%d] %s (%s): %s",
              index,
              runCount,
              e.id(),
              e.type().name(),
              reason));
      ExperimentResult result = runOne(profile, e, finished);
      results.add(result);
      if (result.entry().isPresent()) {
        finished.put(e.id(), result.entry().get());
      } else if (result.outcome() == Outcome.UNAVAILABLE) {
        // Several experiments often miss the same thing (DeepFloyd's weights): say it once.
        boolean first = !unavailable.containsValue(result.detail());
        console.log(
            "  " + e.id() + ": not available" + (first ? ": " + result.detail() : " (as above)"));
        unavailable.put(e.id(), result.detail());
      } else {
        broken.add(e.id());
      }
    }
    return new BuildReport(profile, results);
  }

  private ExperimentResult runOne(
      String profile, PlannedExperiment e, Map<String, CacheEntry> finished) {
    Path work = store.workDir(e.id(), e.key());
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    try {
      store.prepareWork(e.id(), e.key(), e.type().resumable());
      Map<String, CacheEntry> deps = new HashMap<>();
      e.dependsOn().forEach(d -> deps.put(d, finished.get(d)));
      RunContext context =
          new RunContext(
              e, profile, work, contentDir, deps, console.withPrefix("  " + e.id() + ": "));
      invoke(e.type(), e.params(), context);
      double seconds = (System.nanoTime() - t0) / 1e9;
      CacheEntry entry =
          store.commit(
              e.id(), e.key(), work, context.outputs(), provenance(e, profile, started, seconds));
      Files.deleteIfExists(store.errorLog(e.id()));
      console.log(
          String.format(
              Locale.ROOT,
              "  %s: done in %s, %d outputs",
              e.id(),
              ConsoleProgress.duration(seconds),
              entry.outputs().size()));
      return new ExperimentResult(e.id(), Outcome.RAN, "ran", Optional.of(entry), seconds);
    } catch (ResourceUnavailableException absent) {
      cleanUpAfterFailure(e, work);
      return new ExperimentResult(
          e.id(), Outcome.UNAVAILABLE, absent.getMessage(), Optional.empty(), 0);
    } catch (Exception | LinkageError | OutOfMemoryError | StackOverflowError failure) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      Path log = writeErrorLog(e, failure);
      cleanUpAfterFailure(e, work);
      console.log(
          "  " + e.id() + ": FAILED: " + message + (log == null ? "" : " (details: " + log + ")"));
      return new ExperimentResult(
          e.id(), Outcome.FAILED, publishedReason(message, log), Optional.empty(), seconds);
    }
  }

  private static <P extends Record> void invoke(
      ExperimentType<P> type, Record params, RunContext context) throws Exception {
    type.run(type.paramsType().cast(params), context);
  }

  /** A resumable type keeps its work folder so the next build resumes; others leave nothing. */
  private void cleanUpAfterFailure(PlannedExperiment e, Path work) {
    if (e.type().resumable()) {
      return;
    }
    try {
      FileTrees.deleteTree(work);
    } catch (IOException cleanup) {
      console.log("  " + e.id() + ": could not remove " + work + ": " + cleanup.getMessage());
    }
  }

  /**
   * What the report says about a failure: the first line of the message with absolute paths cut to
   * their file names, shortened; the full message and stack trace stay in the local log.
   */
  static String publishedReason(String message, Path log) {
    String line = message.lines().findFirst().orElse("").strip();
    line = ABSOLUTE_PATH.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(2)));
    if (line.length() > MAX_REASON) {
      line = line.substring(0, MAX_REASON - 1).strip() + "…";
    }
    String where =
        log == null
            ? ""
            : " (details in results/"
                + log.getParent().getFileName()
                + "/"
                + log.getFileName()
                + ")";
    return "failed: " + line + where;
  }

  private Path writeErrorLog(PlannedExperiment e, Throwable failure) {
    Path log = store.errorLog(e.id());
    try {
      Files.createDirectories(log.getParent());
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      Files.writeString(log, trace.toString());
      return log;
    } catch (IOException io) {
      console.log("  " + e.id() + ": could not write " + log + ": " + io.getMessage());
      return null;
    }
  }

  private ObjectNode provenance(
      PlannedExperiment e, String profile, Instant started, double seconds) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", e.id());
    node.put("type", e.type().name());
    node.put("codeVersion", e.type().codeVersion());
    node.put("key", e.key().hash());
    node.put("seed", e.spec().seed());
    node.put("profile", profile);
    node.set("params", e.canonicalParams());
    node.set("keyMaterial", e.key().material());
    node.put("started", started.toString());
    node.put("finished", Instant.now().toString());
    node.put("wallSeconds", Math.round(seconds * 1000) / 1000.0);
    node.set("versions", Machine.versions(Machine.engineVersion()));
    node.set("machine", Machine.describe());
    // The project's commit (the project folder holds results/); uncommitted edits are not seen.
    Optional.ofNullable(store.root().toAbsolutePath().getParent())
        .flatMap(Machine::gitCommit)
        .ifPresent(commit -> node.put("commit", commit));
    return node;
  }

  /** Removes cache entries no profile of the plan's manifest reaches. */
  public List<Path> gc(List<Plan> plans, boolean dryRun) {
    Map<String, Set<String>> keep = new HashMap<>();
    for (Plan plan : plans) {
      for (PlannedExperiment e : plan.experiments()) {
        keep.computeIfAbsent(e.id(), k -> new LinkedHashSet<>()).add(e.key().folder());
      }
    }
    if (dryRun) {
      return store.gc(keep, true);
    }
    try (ResultsStore.Lock lock = store.lock()) {
      return store.gc(keep, false);
    } catch (UncheckedIOException e) {
      throw e;
    }
  }
}
