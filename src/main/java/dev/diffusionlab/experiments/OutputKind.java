package dev.diffusionlab.experiments;

/** What an output file is, which decides how the report uses it and whether it is committed. */
public enum OutputKind {
  /** An image shown on the report (PNG or GIF). */
  FIGURE,
  /** A chart (PNG or SVG). */
  CHART,
  /** A CSV table with a header row, rendered as an HTML table. */
  TABLE,
  /** Machine-readable results (JSON, CSV) such as metrics or an index of samples. */
  DATA,
  /** Model weights too large to commit; recomputed when a downstream experiment needs them. */
  CHECKPOINT,
  /** Model weights small enough to commit on purpose, so a fresh clone need not train. */
  SHIPPED_CHECKPOINT;

  /** Whether files of this kind are left out of version control. */
  public boolean isLarge() {
    return this == CHECKPOINT;
  }
}
