package dev.diffusionlab.nn.deepfloyd;

import dev.diffusionlab.util.ResourceUnavailableException;
import java.nio.file.Path;
import java.util.List;

/**
 * DeepFloyd IF weights (or their prompt embeddings) are not on this machine. The report shows the
 * message as a note for the {@code deepfloyd} backend instead of failing the whole build.
 */
public class WeightsUnavailableException extends ResourceUnavailableException {
  private static final long serialVersionUID = 1L;

  private final String modelId;
  private final List<Path> searched;

  private WeightsUnavailableException(String message, String modelId, List<Path> searched) {
    super(message);
    this.modelId = modelId;
    this.searched = List.copyOf(searched);
  }

  /**
   * The UNet weights of {@code modelId} were not found.
   *
   * @param searched the folders looked at, in order
   * @param detail what exactly is missing
   */
  public static WeightsUnavailableException weights(
      String modelId, List<Path> searched, String detail) {
    return new WeightsUnavailableException(
        "weights not available: "
            + detail
            + ". Download "
            + modelId
            + " (accept the license on its model card, https://huggingface.co/"
            + modelId
            + "; e.g. `huggingface-cli download "
            + modelId
            + " --include 'unet/*' 'scheduler/*'`) into ~/.cache/huggingface/hub, or set the"
            + " folder holding its unet/ in the manifest. Searched: "
            + searched,
        modelId,
        searched);
  }

  /** The precomputed T5 prompt embeddings file that {@code modelId} needs is missing. */
  public static WeightsUnavailableException embeddings(String modelId, Path file) {
    return new WeightsUnavailableException(
        "prompt embeddings not available: "
            + file
            + " does not exist. "
            + modelId
            + " is conditioned on T5-XXL embeddings, which this project does not compute: put a"
            + " file of precomputed embeddings there (the course's prompt_embeds_dict.pth, or a"
            + " .safetensors/.npz mapping prompt text to [1, 77, 4096]) or set its path in the"
            + " manifest",
        modelId,
        List.of(file));
  }

  /** The model that was looked for. */
  public String modelId() {
    return modelId;
  }

  /** The folders that were searched. */
  public List<Path> searched() {
    return searched;
  }
}
