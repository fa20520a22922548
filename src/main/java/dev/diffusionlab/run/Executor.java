package dev.diffusionlab.run;

/**
 * Runs the experiments of a build that the cache lacks, in dependency order, and reports every
 * selected experiment's outcome: in this process ({@link LocalExecutor}) or as jobs of a scheduler
 * ({@code run.slurm.SlurmExecutor}), always into the same cache.
 */
public interface Executor {
  /** Runs what {@code work} says must run; cached experiments are reported as cached. */
  BuildReport execute(Work work);

  /**
   * What a build hands its executor.
   *
   * @param selected the experiments of the build, in dependency order
   * @param states what the cache held for each when the build planned
   * @param toRun id → why it runs, for the selected experiments that must run
   */
  record Work(
      String profile,
      java.util.List<PlannedExperiment> selected,
      java.util.Map<String, EntryState> states,
      java.util.Map<String, String> toRun) {
    public Work {
      selected = java.util.List.copyOf(selected);
      states = java.util.Map.copyOf(states);
      toRun = java.util.Map.copyOf(toRun);
    }

    /** The result of an experiment the cache already held. */
    public ExperimentResult cached(PlannedExperiment e) {
      return new ExperimentResult(
          e.id(), ExperimentResult.Outcome.CACHED, "cached", states.get(e.id()).entry(), 0);
    }
  }
}
