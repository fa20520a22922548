package dev.diffusionlab.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/** What a time-conditioned network learns to predict from a noised clean image (B2). */
public interface DiffusionObjective {
  /** Noises clean images x [N, 1, H, W] in [0, 1] at random times and gives the target. */
  TrainingPair pair(NDArray clean, Random random);

  /** By name as the manifest writes it: {@code ddpm} or {@code flow}. */
  static DiffusionObjective named(String name, int timesteps) {
    return switch (name) {
      case "ddpm" -> new DdpmObjective(NoiseSchedule.linear(timesteps, 1e-4, 0.02));
      case "flow" -> new FlowMatchingObjective();
      default -> throw new IllegalArgumentException("unknown objective " + name);
    };
  }
}
