package dev.diffusionlab.run.slurm;

import java.util.Locale;

/** A Slurm job's state, as {@code squeue}, {@code scontrol} and {@code sacct} print it, grouped. */
public enum JobState {
  /** Waiting: for resources, priority or its dependencies. */
  PENDING,
  /** Running (or being set up, completing, requeued). */
  RUNNING,
  /** Ended with exit code 0. */
  COMPLETED,
  /** Ended with a non-zero exit code. */
  FAILED,
  /** Cancelled ({@code scancel}, or a dependency that can never be satisfied). */
  CANCELLED,
  /** Killed at its time limit. */
  TIMEOUT,
  /** Ended another way: out of memory, node failure, preempted, boot failure, deadline. */
  LOST;

  /** The group of a Slurm state name ({@code PENDING}, {@code CANCELLED by 0}, {@code OOM}...). */
  public static JobState parse(String slurmState) {
    String s = slurmState.strip().toUpperCase(Locale.ROOT);
    int space = s.indexOf(' ');
    if (space > 0) {
      s = s.substring(0, space);
    }
    return switch (s) {
      case "PENDING", "PD", "REQUEUE_HOLD", "REQUEUE_FED", "SUSPENDED", "S", "RESV_DEL_HOLD" ->
          PENDING;
      case "RUNNING",
          "R",
          "CONFIGURING",
          "CF",
          "COMPLETING",
          "CG",
          "REQUEUED",
          "RQ",
          "RESIZING",
          "SIGNALING",
          "STAGE_OUT",
          "STOPPED",
          "ST" ->
          RUNNING;
      case "COMPLETED", "CD" -> COMPLETED;
      case "FAILED", "F" -> FAILED;
      case "CANCELLED", "CA", "REVOKED", "RV" -> CANCELLED;
      case "TIMEOUT", "TO", "DEADLINE", "DL" -> TIMEOUT;
      default -> LOST;
    };
  }

  /** Whether the job will not change state any more. */
  public boolean finished() {
    return this != PENDING && this != RUNNING;
  }
}
