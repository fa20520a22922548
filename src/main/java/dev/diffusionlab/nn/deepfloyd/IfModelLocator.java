package dev.diffusionlab.nn.deepfloyd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a DeepFloyd IF model folder on disk: a folder named in the manifest (the model root holding
 * {@code unet/}, or the {@code unet/} folder itself), else the Hugging Face cache ({@code
 * $HF_HUB_CACHE}, {@code $HF_HOME/hub}, {@code ~/.cache/huggingface/hub}) laid out as {@code
 * models--DeepFloyd--IF-I-XL-v1.0/snapshots/<rev>/unet/}, preferring the revision {@code refs/main}
 * points at.
 *
 * @param env the environment variables to consult (normally {@code System.getenv()})
 * @param home the user's home folder
 */
public record IfModelLocator(Map<String, String> env, Path home) {

  /** The weight files a unet folder may hold, in order of preference for fp32 compute. */
  static final List<String> WEIGHT_FILES =
      List.of(
          "diffusion_pytorch_model.safetensors",
          "diffusion_pytorch_model.safetensors.index.json",
          "diffusion_pytorch_model.fp16.safetensors",
          "diffusion_pytorch_model.safetensors.index.fp16.json");

  /** A locator for this process's environment and home folder. */
  public static IfModelLocator system() {
    return new IfModelLocator(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The {@code unet/} folder of {@code modelId}.
   *
   * @param configured a folder from the manifest, or null to search the cache
   * @throws WeightsUnavailableException naming what to download and the folders searched
   */
  public Path unetFolder(String modelId, Path configured) {
    List<Path> searched = new ArrayList<>();
    if (configured != null) {
      for (Path candidate : List.of(configured.resolve("unet"), configured)) {
        searched.add(candidate);
        if (isUnetFolder(candidate)) {
          return candidate;
        }
      }
      throw WeightsUnavailableException.weights(
          modelId, searched, "no config.json with safetensors weights in " + configured);
    }
    for (Path root : cacheRoots()) {
      Path repo = root.resolve("models--" + modelId.replace("/", "--"));
      searched.add(repo);
      Optional<Path> found = inCache(repo);
      if (found.isPresent()) {
        return found.get();
      }
    }
    throw WeightsUnavailableException.weights(
        modelId, searched, "no snapshot of " + modelId + " with unet safetensors weights");
  }

  /** The Hugging Face hub cache folders, most specific first. */
  public List<Path> cacheRoots() {
    List<Path> roots = new ArrayList<>();
    if (env.containsKey("HF_HUB_CACHE")) {
      roots.add(Path.of(env.get("HF_HUB_CACHE")));
    }
    if (env.containsKey("HF_HOME")) {
      roots.add(Path.of(env.get("HF_HOME")).resolve("hub"));
    }
    roots.add(home.resolve(".cache").resolve("huggingface").resolve("hub"));
    return roots;
  }

  private static Optional<Path> inCache(Path repo) {
    Path snapshots = repo.resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return Optional.empty();
    }
    try {
      Path main = repo.resolve("refs").resolve("main");
      if (Files.isRegularFile(main)) {
        Path unet = snapshots.resolve(Files.readString(main).trim()).resolve("unet");
        if (isUnetFolder(unet)) {
          return Optional.of(unet);
        }
      }
      try (Stream<Path> revisions = Files.list(snapshots)) {
        return revisions
            .sorted()
            .map(r -> r.resolve("unet"))
            .filter(IfModelLocator::isUnetFolder)
            .findFirst();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code dir} holds a config.json and at least one safetensors weight file. */
  public static boolean isUnetFolder(Path dir) {
    return Files.isRegularFile(dir.resolve("config.json"))
        && WEIGHT_FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }
}
