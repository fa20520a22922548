package dev.diffusionlab.run.slurm;

/**
 * What Slurm says about one job.
 *
 * @param slurmState the state as Slurm names it ({@code TIMEOUT}, {@code OUT_OF_MEMORY})
 * @param reason why it waits or ended ({@code Dependency}, {@code DependencyNeverSatisfied}), or ""
 * @param node the node it runs or ran on, or ""
 * @param exitCode the job script's exit code, or -1 when unknown
 * @param signal the signal that ended it (9 when killed), or 0
 */
public record JobInfo(
    String id,
    JobState state,
    String slurmState,
    String reason,
    String node,
    int exitCode,
    int signal) {
  /** A job not ended by a signal (or not known to be). */
  public JobInfo(
      String id, JobState state, String slurmState, String reason, String node, int exitCode) {
    this(id, state, slurmState, reason, node, exitCode, 0);
  }

  /** Whether it waits for a dependency that can no longer succeed. */
  public boolean dependencyNeverSatisfied() {
    return reason.contains("DependencyNeverSatisfied");
  }
}
