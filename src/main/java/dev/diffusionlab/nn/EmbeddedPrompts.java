package dev.diffusionlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.PromptEmbeddings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded model's prompt vocabulary: one prompt per class (MNIST digits 0–9 as classes 0–9,
 * Fashion-MNIST labels in their standard order as classes 10–19), a generic prompt that plays IF's
 * "a high quality photo" (trained on images of every class), and the empty prompt "" for
 * classifier-free guidance.
 *
 * <p>Embeddings are one token (L = 1) of width {@link #DIM}: one-hot for the 20 classes and the
 * generic prompt, all zeros for "", so the unconditional model is the one that sees no prompt.
 */
public final class EmbeddedPrompts implements PromptEmbeddings {
  /** Number of class prompts. */
  public static final int CLASSES = 20;

  /** Embedding width: the classes plus the generic prompt. */
  public static final int DIM = CLASSES + 1;

  /** The prompt that plays "a high quality photo": any image of either dataset. */
  public static final String GENERIC = "a high quality photo";

  private static final List<String> FASHION =
      List.of(
          "a t-shirt",
          "a pair of trousers",
          "a pullover",
          "a dress",
          "a coat",
          "a sandal",
          "a shirt",
          "a sneaker",
          "a bag",
          "an ankle boot");

  private static final List<String> ALL = buildAll();

  private static List<String> buildAll() {
    List<String> all = new ArrayList<>();
    for (int digit = 0; digit < 10; digit++) {
      all.add("a handwritten digit " + digit);
    }
    all.addAll(FASHION);
    all.add(GENERIC);
    all.add("");
    return List.copyOf(all);
  }

  /** The prompt of class {@code label} in [0, 20). */
  public static String classPrompt(int label) {
    if (label < 0 || label >= CLASSES) {
      throw new IllegalArgumentException("class label must be in [0, 20), got " + label);
    }
    return ALL.get(label);
  }

  /** The class a prompt names, or empty for the generic and the empty prompt. */
  public static Optional<Integer> classOf(String prompt) {
    int index = ALL.indexOf(prompt);
    return index >= 0 && index < CLASSES ? Optional.of(index) : Optional.empty();
  }

  /** A short name for a class, e.g. "digit 3" or "ankle boot". */
  public static String shortName(int label) {
    String prompt = classPrompt(label);
    return prompt.replaceFirst("^an? (handwritten )?(pair of )?", "");
  }

  /** The index of a prompt's one-hot entry, or -1 for "". */
  public static int indexOf(String prompt) {
    int index = ALL.indexOf(prompt);
    if (index < 0) {
      throw new IllegalArgumentException(
          "unknown prompt \"" + prompt + "\"; the embedded model knows: " + ALL);
    }
    return index == ALL.size() - 1 ? -1 : index;
  }

  @Override
  public List<String> prompts() {
    return ALL;
  }

  @Override
  public NDArray embed(String prompt, NDManager manager) {
    float[] values = new float[DIM];
    int index = indexOf(prompt);
    if (index >= 0) {
      values[index] = 1f;
    }
    return manager.create(values, new Shape(1, DIM));
  }
}
