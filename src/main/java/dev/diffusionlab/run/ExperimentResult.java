package dev.diffusionlab.run;

import java.util.Optional;

/**
 * What a build did with one experiment.
 *
 * @param detail why it ran, failed or was skipped
 * @param entry the finished entry, when there is one
 */
public record ExperimentResult(
    String id, Outcome outcome, String detail, Optional<CacheEntry> entry, double seconds) {

  /** The possible outcomes. */
  public enum Outcome {
    /** Taken from the cache. */
    CACHED,
    /** Computed in this build. */
    RAN,
    /** Its run threw; nothing of it was stored. */
    FAILED,
    /** Not run because a dependency failed. */
    SKIPPED,
    /** Could not run because something it needs from outside the project is absent. */
    UNAVAILABLE,
    /** Would run (dry run). */
    WOULD_RUN,
    /** Submitted to a cluster and not finished when the build returned ({@code --no-wait}). */
    SUBMITTED
  }
}
