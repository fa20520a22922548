package dev.diffusionlab.run;

import dev.diffusionlab.experiments.OutputKind;

/** One file of a cache entry as {@code entry.json} lists it. */
public record OutputRecord(
    String file, OutputKind kind, String description, long bytes, String sha256) {}
