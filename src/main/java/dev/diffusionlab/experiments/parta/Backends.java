package dev.diffusionlab.experiments.parta;

import ai.djl.Device;
import dev.diffusionlab.diffusion.DdpmScheduler;
import dev.diffusionlab.diffusion.Denoiser;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.experiments.DependencyOutputs;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.nn.EmbeddedDenoiser;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.deepfloyd.DeepFloydBackend;
import dev.diffusionlab.nn.deepfloyd.IfModelLocator;
import dev.diffusionlab.nn.deepfloyd.PrecomputedPromptEmbeddings;
import dev.diffusionlab.nn.deepfloyd.WeightsUnavailableException;
import dev.diffusionlab.util.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the denoiser a part A experiment samples from, chosen in the manifest by {@code backend}:
 *
 * <ul>
 *   <li>{@code embedded}: {@code model} is the id of the embedded-denoiser-train experiment (listed
 *       in depends_on) whose weights to load;
 *   <li>{@code deepfloyd}: {@code model} is a Hugging Face model id (found in the Hugging Face
 *       cache) or a folder holding {@code unet/}; {@code embeddings} is the file of precomputed T5
 *       prompt embeddings, relative to content/ or absolute.
 * </ul>
 */
final class Backends {
  static final String EMBEDDED = "embedded";
  static final String DEEPFLOYD = "deepfloyd";

  /** A Hugging Face model id: {@code owner/name}, as the hub spells them. */
  private static final java.util.regex.Pattern HF_MODEL_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*");

  private Backends() {}

  /**
   * What a deepfloyd {@code model} param names: a folder holding the weights (then the model is IF
   * stage I XL's architecture), or a Hugging Face id to find in the cache.
   *
   * @param folder the named folder, or null for an id
   */
  private record Model(String id, Path folder) {
    static Model of(String model) {
      Path path = Path.of(model);
      return Files.isDirectory(path)
          ? new Model(DeepFloydBackend.DEFAULT_MODEL, path)
          : new Model(model, null);
    }

    /** A name that is neither a folder that exists nor a Hugging Face id is a mistake. */
    boolean named() {
      return folder != null || HF_MODEL_ID.matcher(id).matches();
    }

    Path unetFolder() {
      return IfModelLocator.system().unetFolder(id, folder);
    }
  }

  /**
   * A type's own defaults plus those of the backend choice every part A type shares: the embedded
   * model trained by the {@code embedded-denoiser} experiment, and where DeepFloyd's prompt
   * embeddings would be.
   */
  static Map<String, Object> withDefaults(Map<String, Object> own) {
    Map<String, Object> all = new HashMap<>(own);
    all.put("backend", EMBEDDED);
    all.put("model", "embedded-denoiser");
    all.put("embeddings", "deepfloyd/prompt_embeds_dict.pth");
    return Map.copyOf(all);
  }

  /**
   * The scheduler over strided timesteps with the backend's thresholding of the x0 estimate:
   * DeepFloyd IF's dynamic thresholding (quantile 0.95, at most 1.5, from its scheduler config),
   * and for the embedded model, whose data lie in [-1, 1], clipping to [-1, 1] (what the same rule
   * with the largest threshold 1 gives), as DDPM samplers usually do.
   */
  static DdpmScheduler scheduler(String backend, Denoiser denoiser, int stride) {
    NoiseSchedule schedule = denoiser.schedule();
    int[] timesteps = Frames.timesteps(stride, schedule.numTrainTimesteps());
    return backend.equals(DEEPFLOYD)
        ? DdpmScheduler.deepFloyd(schedule, timesteps)
        : new DdpmScheduler(
            schedule,
            timesteps,
            DdpmScheduler.Variance.LEARNED_RANGE,
            new DdpmScheduler.X0.Clip(-1f, 1f));
  }

  /** Checks the backend name and, for the embedded model, that every prompt exists. */
  static void validate(String backend, List<String> prompts, String promptsField) {
    if (!backend.equals(EMBEDDED) && !backend.equals(DEEPFLOYD)) {
      throw new InvalidParamsException(
          "backend", "unknown backend '" + backend + "'; expected embedded or deepfloyd");
    }
    if (backend.equals(EMBEDDED)) {
      List<String> known = new EmbeddedPrompts().prompts();
      for (int i = 0; i < prompts.size(); i++) {
        if (!known.contains(prompts.get(i))) {
          throw new InvalidParamsException(
              promptsField + (prompts.size() > 1 ? "[" + i + "]" : ""),
              "the embedded model has no prompt '"
                  + prompts.get(i)
                  + "'; its prompts are: "
                  + String.join(", ", known.stream().map(p -> "\"" + p + "\"").toList()));
        }
      }
    }
  }

  /**
   * Opens the denoiser.
   *
   * @throws WeightsUnavailableException when DeepFloyd weights or embeddings are absent (the report
   *     then shows a note instead of the figures)
   */
  static Denoiser open(String backend, String model, String embeddings, ExperimentContext ctx)
      throws IOException {
    if (backend.equals(EMBEDDED)) {
      DependencyOutputs entry = ctx.dependency(model);
      return EmbeddedDenoiser.load(
          entry.file(EmbeddedDenoiserTraining.WEIGHTS),
          EmbeddedDenoiserTraining.readConfig(entry.file(EmbeddedDenoiserTraining.CONFIG)));
    }
    Model named = Model.of(model);
    // Only a Hugging Face id (owner/name) may fall back to the cache; a folder the manifest names
    // that does not exist is a mistake to report, not weights to download.
    if (!named.named()) {
      throw notAModel(model);
    }
    Path embeddingsFile = resolveEmbeddings(embeddings, ctx, named.id());
    return DeepFloydBackend.open(
        new DeepFloydBackend.Settings(named.id(), named.folder(), embeddingsFile, Device.cpu()));
  }

  /**
   * The files outside content/ a DeepFloyd run reads, for the cache key: the model's {@code unet/}
   * folder (found as {@link #open} finds it), the {@code scheduler/} folder beside it, and an
   * absolute embeddings file. Weights that are absent are not inputs: the run is then unavailable.
   */
  static Map<String, Path> externalInputs(String backend, String model, String embeddings) {
    Map<String, Path> inputs = new HashMap<>();
    if (!backend.equals(DEEPFLOYD)) {
      return inputs;
    }
    try {
      Path unet = Model.of(model).unetFolder();
      inputs.put("model/unet", unet);
      Path parent = unet.toAbsolutePath().getParent();
      if (parent != null) {
        inputs.put("model/scheduler", parent.resolve("scheduler"));
      }
    } catch (WeightsUnavailableException absent) {
      // Nothing to hash; the run reports the weights as unavailable.
    }
    Path file = Path.of(embeddings);
    if (file.isAbsolute()) {
      inputs.put("embeddings", file);
    }
    return inputs;
  }

  /**
   * Why DeepFloyd's weights or prompt embeddings are absent on this machine, if the backend is
   * deepfloyd and they are; found without loading anything, so a dry run can say so.
   */
  static Optional<String> unavailable(
      String backend, String model, String embeddings, Path contentDir) {
    if (!backend.equals(DEEPFLOYD)) {
      return Optional.empty();
    }
    Model named = Model.of(model);
    // The same order as open(): the embeddings first, then the weights.
    Path file = Path.of(embeddings);
    Path resolved = file.isAbsolute() ? file : contentDir.resolve(file).normalize();
    if (!Files.isRegularFile(resolved)) {
      return Optional.of(WeightsUnavailableException.embeddings(named.id(), file).getMessage());
    }
    try {
      named.unetFolder();
    } catch (WeightsUnavailableException absent) {
      return Optional.of(absent.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Checks before anything runs what a DeepFloyd run would read: a model that names a folder must
   * be one, relative embeddings stay inside content/, and the embeddings and weights that are
   * present are well formed (the weights by their headers and shapes only). Absent ones are left to
   * {@link #unavailable}.
   */
  static void checkInputs(String backend, String model, String embeddings, Path contentDir) {
    if (!backend.equals(DEEPFLOYD)) {
      return;
    }
    Model named = Model.of(model);
    if (!named.named()) {
      throw notAModel(model);
    }
    Path file = Path.of(embeddings);
    Path resolved;
    try {
      resolved = file.isAbsolute() ? file : ProjectPaths.resolve(contentDir, embeddings);
    } catch (ProjectPaths.EscapeException e) {
      throw new InvalidParamsException("embeddings", e.getMessage());
    }
    if (Files.isRegularFile(resolved)) {
      try {
        PrecomputedPromptEmbeddings.read(resolved);
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidParamsException("embeddings", e.getMessage());
      }
    }
    try {
      DeepFloydBackend.verify(named.unetFolder());
    } catch (WeightsUnavailableException absent) {
      // reported by unavailable(): not an error of the manifest
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidParamsException("model", e.getMessage());
    }
  }

  private static InvalidParamsException notAModel(String model) {
    return new InvalidParamsException(
        "model",
        "'"
            + model
            + "' is neither a folder that exists nor a Hugging Face model id such as "
            + DeepFloydBackend.DEFAULT_MODEL);
  }

  private static Path resolveEmbeddings(String embeddings, ExperimentContext ctx, String modelId) {
    Path path = Path.of(embeddings);
    if (path.isAbsolute()) {
      return path;
    }
    try {
      return ctx.input("embeddings", embeddings);
    } catch (InvalidParamsException absent) {
      throw WeightsUnavailableException.embeddings(modelId, path);
    }
  }
}
