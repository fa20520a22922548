package dev.diffusionlab.nn.deepfloyd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import dev.diffusionlab.io.HostTensor;
import dev.diffusionlab.io.NpzArchive;
import dev.diffusionlab.io.ReadLimits;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.io.TensorFileException;
import dev.diffusionlab.io.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * T5 prompt embeddings computed ahead of time (IF needs T5-XXL, which this project does not run),
 * read from a file that maps prompt text to a [1, L, E] or [L, E] tensor: {@code .safetensors},
 * {@code .npz}, or a {@code torch.save} dict such as the course's {@code prompt_embeds_dict.pth}.
 * Values are held in Java memory and created on the caller's manager on demand.
 */
public final class PrecomputedPromptEmbeddings implements PromptEmbeddings {
  private final Path file;
  private final Map<String, HostTensor> embeddings;
  private final long width;

  private PrecomputedPromptEmbeddings(Path file, Map<String, HostTensor> embeddings, long width) {
    this.file = file;
    this.embeddings = embeddings;
    this.width = width;
  }

  /**
   * Reads an embeddings file, choosing the format by its extension.
   *
   * @throws TensorFileException if the file is malformed, unsafe, empty, or its tensors are not all
   *     [1, L, E] / [L, E] of one shape
   */
  public static PrecomputedPromptEmbeddings read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<String, HostTensor> raw;
    if (name.endsWith(".safetensors")) {
      raw = new LinkedHashMap<>();
      ReadLimits.TensorBudget budget = new ReadLimits.TensorBudget(file);
      try (SafeTensors st = SafeTensors.open(file)) {
        for (String key : st.names()) {
          budget.charge("tensor '" + key + "'", st.info(key).numel() * Float.BYTES);
          raw.put(
              key, new HostTensor(st.info(key).shape(), st.readFloats(key), st.info(key).dtype()));
        }
      }
    } else if (name.endsWith(".npz")) {
      raw = NpzArchive.read(file);
    } else if (name.endsWith(".pth") || name.endsWith(".pt")) {
      raw = TorchCheckpoint.read(file);
    } else {
      throw new TensorFileException(
          file, "unknown embeddings format; expected .safetensors, .npz, .pth or .pt");
    }
    return of(file, raw);
  }

  /** Embeddings from tensors already in memory; {@code source} names them in messages. */
  public static PrecomputedPromptEmbeddings of(Path source, Map<String, HostTensor> raw)
      throws TensorFileException {
    if (raw.isEmpty()) {
      throw new TensorFileException(source, "holds no prompt embeddings");
    }
    Map<String, HostTensor> byPrompt = new LinkedHashMap<>();
    long[] common = null;
    for (Map.Entry<String, HostTensor> e : raw.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length == 3 && shape[0] == 1) {
        shape = new long[] {shape[1], shape[2]};
      }
      if (shape.length != 2) {
        throw new TensorFileException(
            source,
            "embedding of prompt '"
                + e.getKey()
                + "' has shape "
                + Arrays.toString(e.getValue().shape())
                + "; expected [1, L, E] or [L, E]");
      }
      if (common != null && !Arrays.equals(common, shape)) {
        throw new TensorFileException(
            source,
            "prompt '"
                + e.getKey()
                + "' has shape "
                + Arrays.toString(shape)
                + " but others have "
                + Arrays.toString(common));
      }
      common = shape;
      HostTensor t = e.getValue();
      checkFinite(source, e.getKey(), t);
      byPrompt.put(e.getKey(), new HostTensor(shape, t.values(), t.storedType()));
    }
    return new PrecomputedPromptEmbeddings(source, byPrompt, common[1]);
  }

  /** NaN or infinite values would pass through the sampler and cache a black sample. */
  private static void checkFinite(Path source, String prompt, HostTensor t)
      throws TensorFileException {
    float[] values = t.values();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new TensorFileException(
            source,
            "embedding of prompt '"
                + prompt
                + "' holds "
                + values[i]
                + " at element "
                + i
                + "; every value must be a finite number");
      }
    }
  }

  /** The embedding width E (4096 for T5-XXL). */
  public long width() {
    return width;
  }

  /** The file the embeddings came from. */
  public Path file() {
    return file;
  }

  @Override
  public List<String> prompts() {
    return new ArrayList<>(embeddings.keySet());
  }

  @Override
  public NDArray embed(String prompt, NDManager manager) {
    HostTensor t = embeddings.get(prompt);
    if (t == null) {
      throw new IllegalArgumentException(
          "no embedding for prompt '" + prompt + "' in " + file + "; known prompts: " + prompts());
    }
    return t.toNDArray(manager);
  }
}
