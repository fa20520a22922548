package dev.diffusionlab.run;

import dev.diffusionlab.run.ExperimentResult.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which experiments of a plan the cache lacks, and why, and hands them to an {@link
 * Executor} (in this process unless told otherwise); a dry run only reports. Also cleans the cache.
 */
public final class Runner {
  private final ResultsStore store;
  private final Executor executor;

  /** A runner that runs experiments in this process. */
  public Runner(ResultsStore store, Path contentDir, ConsoleProgress console) {
    this(store, new LocalExecutor(store, contentDir, console));
  }

  /** A runner that hands what must run to {@code executor}. */
  public Runner(ResultsStore store, Executor executor) {
    this.store = store;
    this.executor = executor;
  }

  /**
   * Builds what the options ask for: {@link #decide}, then {@link #execute} or, for a dry run,
   * {@link #report}.
   *
   * @throws IllegalArgumentException if {@code only} or {@code force} name an unknown id
   */
  public BuildReport build(Plan plan, BuildOptions options) {
    Executor.Work work = decide(plan, options);
    return options.dryRun() ? report(work) : execute(work);
  }

  /**
   * Checks the cache entry of every selected experiment once and decides which must run, and why.
   *
   * @throws IllegalArgumentException if {@code only} or {@code force} name an unknown id
   */
  public Executor.Work decide(Plan plan, BuildOptions options) {
    checkIds(plan, options.only(), "--only");
    checkIds(plan, options.force(), "--force");
    List<PlannedExperiment> selected =
        options.only().isEmpty() ? plan.experiments() : plan.withDependencies(options.only());
    Map<String, EntryState> states = new HashMap<>();
    for (PlannedExperiment e : selected) {
      states.put(e.id(), store.check(e.id(), e.key()));
    }
    Map<String, String> toRun = decideWhatRuns(selected, states, options.force());
    return new Executor.Work(plan.profile(), selected, states, toRun);
  }

  /** Runs what {@code work} says must run. */
  public BuildReport execute(Executor.Work work) {
    return executor.execute(work);
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

  /** What {@code work} would do, without running anything (a dry run). */
  public BuildReport report(Executor.Work work) {
    List<ExperimentResult> results = new ArrayList<>();
    for (PlannedExperiment e : work.selected()) {
      String reason = work.toRun().get(e.id());
      EntryState state = work.states().get(e.id());
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
    return new BuildReport(work.profile(), results);
  }

  /** Removes cache entries no profile of the plan's manifest reaches. */
  public List<Path> gc(List<Plan> plans, boolean dryRun) {
    Map<String, Set<String>> keep = new HashMap<>();
    for (Plan plan : plans) {
      for (PlannedExperiment e : plan.experiments()) {
        keep.computeIfAbsent(e.id(), k -> new LinkedHashSet<>()).add(e.key().folder());
      }
    }
    return store.gc(keep, dryRun);
  }
}
