package dev.diffusionlab.experiments.parta;

import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.diffusion.pipelines.DenoisingLoop;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.nn.EmbeddedPrompts;
import java.util.List;

/** The timesteps, file names and labels the part A experiments share. */
final class Frames {
  private Frames() {}

  /**
   * Timesteps from the largest multiple of {@code stride} below T down to 0: [990, 960, ..., 0] for
   * 30 (A1.4), and for strides dividing T the "leading" spacing of IF's scheduler with T / stride
   * steps (stride 50: 20 steps).
   */
  static int[] timesteps(int stride, int numTrainTimesteps) {
    return NoiseSchedule.stridedTimesteps(stride * ((numTrainTimesteps - 1) / stride), stride);
  }

  /**
   * Requires {@code iStart} to index the timesteps of {@code stride} (T = 1000), as the denoising
   * loop will.
   *
   * @throws InvalidParamsException naming {@code field} if it does not
   */
  static void checkStart(String field, int iStart, int stride) {
    DenoisingLoop.startProblem(iStart, timesteps(stride, 1000).length)
        .ifPresent(
            problem -> {
              throw new InvalidParamsException(field, problem);
            });
  }

  /** The file name of sample k of a prompt: classNN-sK.png for the 20 class prompts. */
  static String sampleName(String prompt, List<String> prompts, int k) {
    int label = EmbeddedPrompts.classOf(prompt).orElse(-1);
    if (label >= 0) {
      return String.format("class%02d-s%d.png", label, k);
    }
    if (prompt.equals(EmbeddedPrompts.GENERIC)) {
      return "generic-s" + k + ".png";
    }
    return String.format("prompt%02d-s%d.png", prompts.indexOf(prompt), k);
  }

  /** A short label for a prompt in a grid. */
  static String label(String prompt) {
    int label = EmbeddedPrompts.classOf(prompt).orElse(-1);
    if (label >= 0) {
      return EmbeddedPrompts.shortName(label);
    }
    return prompt.isEmpty()
        ? "(empty prompt)"
        : prompt.length() > 28 ? prompt.substring(0, 27) + "…" : prompt;
  }
}
