package dev.diffusionlab.nn.deepfloyd;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.io.ShardedSafeTensors;
import dev.diffusionlab.io.TensorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Opens the {@code deepfloyd} backend: finds IF stage I's {@code unet/} folder, builds the UNet
 * from its config.json, loads its safetensors weights and the precomputed prompt embeddings.
 *
 * <p>Memory: weights are float32 on the CPU (4 bytes per parameter) and float16 on a GPU (2 bytes).
 * IF-I-M (about 0.4 B parameters) needs about 1.6 GB of RAM on the CPU, IF-I-L (about 0.9 B) about
 * 3.6 GB, IF-I-XL (4.3 B) about 17.2 GB, plus activations (well under 1 GB at 64×64, batch 2); give
 * the JVM at least that much direct memory. On a GPU: 0.8, 1.8 and 8.6 GB.
 */
public final class DeepFloydBackend {
  /** The model used when the manifest names none. */
  public static final String DEFAULT_MODEL = "DeepFloyd/IF-I-XL-v1.0";

  private DeepFloydBackend() {}

  /**
   * What the manifest says about the backend.
   *
   * @param modelId Hugging Face id, e.g. {@code DeepFloyd/IF-I-M-v1.0}
   * @param weightsFolder a folder holding {@code unet/} (or the unet folder), or null to search the
   *     Hugging Face cache
   * @param embeddingsFile precomputed T5 embeddings (.pth, .safetensors or .npz)
   * @param device where to compute ({@code Device.cpu()} or a GPU)
   */
  public record Settings(String modelId, Path weightsFolder, Path embeddingsFile, Device device) {}

  /**
   * Locates and loads everything.
   *
   * @throws WeightsUnavailableException if the weights or the embeddings are not on disk
   * @throws IOException if they are there but malformed
   */
  public static DeepFloydDenoiser open(Settings settings) throws IOException {
    Path unet = IfModelLocator.system().unetFolder(settings.modelId(), settings.weightsFolder());
    if (!Files.isRegularFile(settings.embeddingsFile())) {
      throw WeightsUnavailableException.embeddings(settings.modelId(), settings.embeddingsFile());
    }
    return load(
        unet, PrecomputedPromptEmbeddings.read(settings.embeddingsFile()), settings.device());
  }

  /**
   * Loads the UNet of one {@code unet/} folder.
   *
   * @param prompts the embeddings {@link DeepFloydDenoiser#prompts()} offers
   * @throws IOException if config, weights or scheduler config are malformed or do not match
   */
  public static DeepFloydDenoiser load(Path unetFolder, PromptEmbeddings prompts, Device device)
      throws IOException {
    UNetConfig config = UNetConfig.read(unetFolder.resolve("config.json"));
    boolean gpu = device.isGpu();
    DataType dataType = gpu ? DataType.FLOAT16 : DataType.FLOAT32;
    NDManager manager = NDManager.newBaseManager(device);
    try (TensorStore store = openWeights(unetFolder, gpu)) {
      StoreParameters params = new StoreParameters(store, unetFolder.toString(), manager, dataType);
      IfUNet unet = new IfUNet(config, params);
      checkAllUsed(unetFolder, params);
      return new DeepFloydDenoiser(manager, unet, schedule(unetFolder), prompts, dataType);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Checks a {@code unet/} folder without loading its weights: config.json, every tensor name and
   * shape the config implies against the weight files' headers (no tensor left unused), and the
   * scheduler config; milliseconds even for IF-I-XL.
   *
   * @throws IOException naming the file and field that is wrong
   */
  public static void verify(Path unetFolder) throws IOException {
    UNetConfig config = UNetConfig.read(unetFolder.resolve("config.json"));
    try (TensorStore store = openWeights(unetFolder, false)) {
      StoreParameters shapes = StoreParameters.shapesOnly(store, unetFolder.toString());
      try {
        new IfUNet(config, shapes);
      } catch (IllegalArgumentException mismatch) {
        throw new InvalidModelConfigException(
            unetFolder.resolve("config.json"), "(architecture)", mismatch.getMessage());
      }
      checkAllUsed(unetFolder, shapes);
    }
    schedule(unetFolder);
  }

  private static void checkAllUsed(Path unetFolder, StoreParameters params)
      throws InvalidModelConfigException {
    Set<String> unused = params.unusedNames();
    if (!unused.isEmpty()) {
      throw new InvalidModelConfigException(
          unetFolder.resolve("config.json"),
          "(architecture)",
          "does not use "
              + unused.size()
              + " tensors of the weights, e.g. "
              + unused.iterator().next());
    }
  }

  /**
   * Opens the weight file of a unet folder: fp32 first on the CPU (no conversion), fp16 first on a
   * GPU (half the reading); single files before sharded ones.
   */
  static TensorStore openWeights(Path unetFolder, boolean preferHalf) throws IOException {
    List<String> order = IfModelLocator.WEIGHT_FILES;
    if (preferHalf) {
      order = List.of(order.get(2), order.get(3), order.get(0), order.get(1));
    }
    for (String name : order) {
      Path file = unetFolder.resolve(name);
      if (Files.isRegularFile(file)) {
        return name.endsWith(".json") ? ShardedSafeTensors.open(file) : SafeTensors.open(file);
      }
    }
    throw WeightsUnavailableException.weights(
        "DeepFloyd IF",
        List.of(unetFolder),
        "no safetensors weights in " + unetFolder + " (pickled .bin weights are not loaded)");
  }

  /**
   * The training schedule from {@code scheduler/scheduler_config.json} beside the unet folder (or a
   * {@code scheduler_config.json} inside it); IF's squaredcos_cap_v2 over 1000 steps if absent.
   */
  static NoiseSchedule schedule(Path unetFolder) throws IOException {
    Path parent = unetFolder.toAbsolutePath().getParent();
    for (Path file :
        List.of(
            parent == null
                ? unetFolder.resolve("scheduler_config.json")
                : parent.resolve("scheduler").resolve("scheduler_config.json"),
            unetFolder.resolve("scheduler_config.json"))) {
      if (Files.isRegularFile(file)) {
        return scheduleFrom(file);
      }
    }
    return NoiseSchedule.squaredCosCapV2(1000);
  }

  private static NoiseSchedule scheduleFrom(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidModelConfigException(
          file, "(root)", "is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelConfigException(file, "(root)", "must be a JSON object");
    }
    int steps = 1000;
    JsonNode stepsNode = root.get("num_train_timesteps");
    if (stepsNode != null && !stepsNode.isNull()) {
      if (!stepsNode.isIntegralNumber()
          || !stepsNode.canConvertToInt()
          || stepsNode.asInt() < 2
          || stepsNode.asInt() > MAX_TRAIN_TIMESTEPS) {
        throw new InvalidModelConfigException(
            file,
            "num_train_timesteps",
            "must be an integer from 2 to " + MAX_TRAIN_TIMESTEPS + ", not " + stepsNode);
      }
      steps = stepsNode.asInt();
    }
    String betas = root.path("beta_schedule").asText("");
    return switch (betas) {
      case "squaredcos_cap_v2" -> NoiseSchedule.squaredCosCapV2(steps);
      case "linear" -> {
        double start = beta(file, root, "beta_start", 1e-4);
        double end = beta(file, root, "beta_end", 0.02);
        if (!(start < end)) {
          throw new InvalidModelConfigException(
              file, "beta_end", "must be larger than beta_start (" + start + "), not " + end);
        }
        yield NoiseSchedule.linear(steps, start, end);
      }
      default ->
          throw new InvalidModelConfigException(
              file, "beta_schedule", "is '" + betas + "'; supported: squaredcos_cap_v2, linear");
    };
  }

  /** The most training timesteps a schedule may have (IF uses 1000). */
  private static final int MAX_TRAIN_TIMESTEPS = 100_000;

  private static double beta(Path file, JsonNode root, String field, double fallback)
      throws InvalidModelConfigException {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() < 1)) {
      throw new InvalidModelConfigException(file, field, "must be a number in (0, 1), not " + v);
    }
    return v.asDouble();
  }
}
