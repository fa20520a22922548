package dev.diffusionlab.experiments;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

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

  /** What the type makes, in one line, for {@code types}. */
  default String summary() {
    return "";
  }

  /**
   * The version of this type's code. Bump it whenever the outputs for the same parameters would
   * change: it is part of every cache key, so old entries are recomputed.
   */
  int codeVersion();

  /** The record the {@code params} map binds to. */
  Class<P> paramsType();

  /**
   * Values used for parameters the manifest and profile leave out, by their snake_case names.
   * Describe each parameter with {@link Param} on the params record's component: {@code types TYPE}
   * lists both.
   */
  Map<String, Object> defaults();

  /**
   * Checks parameter values before anything runs. Throw {@link InvalidParamsException} naming the
   * field.
   */
  default void validate(P params) {}

  /**
   * Checks the files these params name, under {@code content/} or outside it (masks, model weights,
   * prompt embeddings), before anything runs: that they stay inside their folder, can be read and
   * have the form a run needs. Cheap checks only (headers, sizes): nothing is loaded. Files that
   * are absent are not an error here when {@link #unavailable} reports them. Throw {@link
   * InvalidParamsException} naming the field.
   *
   * @param contentDir the project's {@code content/} folder, against which relative paths resolve
   */
  default void checkInputs(P params, Path contentDir) {}

  /**
   * The output files a run with these params writes. Pages' references to outputs are checked
   * against this before anything runs, and {@code types TYPE} lists it for the defaults. Empty
   * means undeclared: references to the experiment are then checked only once it has run.
   */
  default List<DeclaredOutput> outputs(P params) {
    return List.of();
  }

  /**
   * Why something these params need from outside the project (licensed weights, say) is absent on
   * this machine, if it is; such an experiment is reported as unavailable rather than run.
   *
   * @param contentDir the project's {@code content/} folder, against which relative paths resolve
   */
  default Optional<String> unavailable(P params, Path contentDir) {
    return Optional.empty();
  }

  /**
   * A number proportional to the computation a run with these params needs (for a training, say,
   * epochs × images × width²), so that the recorded time of an earlier run with other params
   * predicts this one's before a long build. Empty when the type has no such model.
   */
  default OptionalDouble work(P params) {
    return OptionalDouble.empty();
  }

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
