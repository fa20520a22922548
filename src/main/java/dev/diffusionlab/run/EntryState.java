package dev.diffusionlab.run;

import java.util.Optional;

/**
 * What the cache holds for one key.
 *
 * @param condition whether the entry is there and usable
 * @param reason why it is not usable, for messages
 */
public record EntryState(Condition condition, String reason, Optional<CacheEntry> entry) {

  /** How usable an entry is. */
  public enum Condition {
    /** No entry for this key. */
    ABSENT,
    /** An entry that fails verification (missing or changed file, bad entry.json). */
    CORRUPT,
    /** Figures and tables are there but large files (checkpoints) were not committed. */
    RENDERABLE,
    /** Every file is there and verified. */
    COMPLETE
  }

  public static EntryState absent() {
    return new EntryState(Condition.ABSENT, "no entry", Optional.empty());
  }

  public static EntryState corrupt(String reason) {
    return new EntryState(Condition.CORRUPT, reason, Optional.empty());
  }

  public boolean usableForReport() {
    return condition == Condition.RENDERABLE || condition == Condition.COMPLETE;
  }
}
