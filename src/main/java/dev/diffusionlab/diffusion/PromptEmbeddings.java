package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** The prompt embeddings a denoiser can be conditioned on, looked up by prompt text. */
public interface PromptEmbeddings {

  /** The prompt texts available, including the empty prompt "". */
  List<String> prompts();

  /**
   * The embedding of one prompt, shape [L, E], created on {@code manager}.
   *
   * @throws IllegalArgumentException naming the prompt and listing the known ones if unknown
   */
  NDArray embed(String prompt, NDManager manager);
}
