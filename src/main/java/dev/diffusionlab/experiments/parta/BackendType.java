package dev.diffusionlab.experiments.parta;

import dev.diffusionlab.experiments.ExperimentType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A part A type that samples from the backend its params name: what it reads outside {@code
 * content/} and whether that is on this machine follow from the params alone.
 *
 * @param <P> the params record, naming backend, model and embeddings
 */
interface BackendType<P extends Record & BackendType.BackendParams> extends ExperimentType<P> {

  /** The params every backend-sampling type has. */
  interface BackendParams {
    /** {@code embedded} or {@code deepfloyd}. */
    String backend();

    /** The embedded training experiment's id, or a DeepFloyd model id or folder. */
    String model();

    /** DeepFloyd's precomputed prompt embeddings file. */
    String embeddings();
  }

  @Override
  default Map<String, Path> externalInputs(P p) {
    return Backends.externalInputs(p.backend(), p.model(), p.embeddings());
  }

  @Override
  default void checkInputs(P p, Path contentDir) {
    Backends.checkInputs(p.backend(), p.model(), p.embeddings(), contentDir);
  }

  @Override
  default Optional<String> unavailable(P p, Path contentDir) {
    return Backends.unavailable(p.backend(), p.model(), p.embeddings(), contentDir);
  }
}
