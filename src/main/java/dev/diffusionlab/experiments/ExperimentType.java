package dev.diffusionlab.experiments;

import java.nio.file.Path;
import java.util.Map;

/**
 * One kind of experiment that a manifest can name in its {@code type} field.
 *
 * <p>A type is thin wiring: it binds its parameters (a record {@code P}), checks them, and calls
 * the diffusion, model, data and report code to write its outputs through the {@link
 * ExperimentContext}. It knows nothing of caching, scheduling or the site.
 *
 * @param <P> the parameter record, bound from the manifest's {@code params} with unknown keys
 *     rejected
 */
public interface ExperimentType<P extends Record> {

  /** The name used in the manifest's {@code type} field, e.g. {@code forward-process}. */
  String name();

  /**
   * The version of this type's code. Bump it whenever the outputs for the same parameters would
   * change: it is part of every cache key, so old entries are recomputed.
   */
  int codeVersion();

  /** The record the {@code params} map binds to. */
  Class<P> paramsType();

  /** Values used for parameters the manifest and profile leave out. */
  Map<String, Object> defaults();

  /**
   * Checks parameter values before anything runs. Throw {@link InvalidParamsException} naming the
   * field.
   */
  default void validate(P params) {}

  /**
   * Whether a run interrupted part way may resume from what it left in its work folder (training
   * with per-epoch checkpoints). Other types always start from an empty folder.
   */
  default boolean resumable() {
    return false;
  }

  /**
   * Files or folders outside {@code content/} that a run with these params reads (model weights,
   * prompt embeddings), each under a name that says what it is. Their bytes enter the cache key
   * (for a folder, those of every file directly in it), so replacing them reruns the experiment.
   * Files under {@code content/} that params name are covered without this.
   */
  default Map<String, Path> externalInputs(P params) {
    return Map.of();
  }

  /** Computes the outputs. Exceptions fail this experiment only; finished ones are kept. */
  void run(P params, ExperimentContext context) throws Exception;
}
