package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.EmbeddedUNet;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny embedded denoiser (8 channels) trained for 2 epochs of 2 steps on 64 random images.
 *
 * <p>The pinned step losses and the SHA-256 of the averaged weights were recorded by running the
 * trainer as it was before Adam, the EMA, the learning-rate schedule and the checkpoint moved to
 * {@code training} (nn.EmbeddedDenoiserTrainer with nn.Adam, commit 4401da1); they show the move
 * kept every float of the committed embedded denoiser's training.
 */
class EmbeddedDenoiserTrainerTest {
  private static final EmbeddedUNet.Config TINY =
      new EmbeddedUNet.Config(8, 16, EmbeddedPrompts.DIM, 4);
  private static final NoiseSchedule SCHEDULE = NoiseSchedule.squaredCosCapV2(1000);

  /** steps.csv of the original code: step, loss, mse, vlb. */
  private static final List<String> ORIGINAL_STEPS =
      List.of(
          "1,1.0091835,0.9976745,0.011509037",
          "2,1.0062326,0.99660194,0.00963072",
          "3,1.0365905,0.9915603,0.045030225",
          "4,1.0091236,0.99897224,0.01015136");

  /** SHA-256 of the averaged weights (fp16 safetensors) the original code wrote. */
  private static final String ORIGINAL_WEIGHTS =
      "234747d659e0a8ad07479becdec4cce3a991ab7376eb1e4ad28b7ee63519bb49";

  @TempDir Path dir;

  @Test
  void twoEpochsReproduceTheOriginalTrainersLossesAndWeights() throws Exception {
    Path steps = dir.resolve("steps.csv");
    train(2, dir.resolve("work"), dir.resolve("w.safetensors"), steps);
    assertEquals(ORIGINAL_STEPS, Files.readAllLines(steps));
    assertEquals(ORIGINAL_WEIGHTS, sha(dir.resolve("w.safetensors")));
  }

  @Test
  void resumedAfterOneEpochGivesTheSameBytesAsAnUninterruptedRun() throws Exception {
    Path work = dir.resolve("work");
    Path steps = dir.resolve("steps.csv");
    train(1, work, dir.resolve("a.safetensors"), steps);
    assertEquals(1, Checkpoint.latest(work).orElseThrow().epoch());
    List<EmbeddedDenoiserTrainer.EpochStats> stats =
        train(2, work, dir.resolve("b.safetensors"), steps);
    assertEquals(2, stats.size());
    assertEquals(ORIGINAL_STEPS, Files.readAllLines(steps));
    assertEquals(ORIGINAL_WEIGHTS, sha(dir.resolve("b.safetensors")));
  }

  @Test
  void aCheckpointKilledWhileBeingWrittenIsNeverResumedFrom() throws Exception {
    Path work = dir.resolve("work");
    Path steps = dir.resolve("steps.csv");
    train(1, work, dir.resolve("a.safetensors"), steps);
    Path complete = Checkpoint.latest(work).orElseThrow().folder();
    // A kill while epoch 2's checkpoint was written: a half Adam file in the temporary folder, and
    // epoch 2's steps already appended to the log.
    Path partial = work.resolve("epoch-0002.partial");
    Files.createDirectories(partial);
    byte[] adam = Files.readAllBytes(complete.resolve("adam.safetensors"));
    Files.write(partial.resolve("adam.safetensors"), Arrays.copyOf(adam, adam.length / 2));
    Files.writeString(
        steps,
        ORIGINAL_STEPS.get(2) + "\n" + ORIGINAL_STEPS.get(3) + "\n4,0.5",
        java.nio.file.StandardOpenOption.APPEND);
    // A folder with a checkpoint's name but no state (not renamed into place by Checkpoint).
    Files.createDirectories(work.resolve("epoch-0003"));
    Files.write(work.resolve("epoch-0003").resolve("adam.safetensors"), new byte[] {1, 2, 3});
    assertEquals(1, Checkpoint.latest(work).orElseThrow().epoch());

    train(2, work, dir.resolve("b.safetensors"), steps);
    assertEquals(ORIGINAL_STEPS, Files.readAllLines(steps));
    assertEquals(ORIGINAL_WEIGHTS, sha(dir.resolve("b.safetensors")));
    assertEquals(2, Checkpoint.latest(work).orElseThrow().epoch());
    assertEquals(false, Files.exists(partial));
    assertEquals(false, Files.exists(complete));
  }

  private static List<EmbeddedDenoiserTrainer.EpochStats> train(
      int epochs, Path work, Path result, Path steps) throws Exception {
    EmbeddedDenoiserTrainer.Settings settings =
        new EmbeddedDenoiserTrainer.Settings(epochs, 32, 1e-3, 0.9, 0.1, 0.1, 3);
    return new EmbeddedDenoiserTrainer(TINY, settings, SCHEDULE, Progress.silent())
        .train(data(), work, result, steps);
  }

  /** 64 random 28×28 images of labels 0..19, as the original recording used. */
  static LabeledImages data() {
    int n = 64;
    byte[] pixels = new byte[n * 784];
    int[] labels = new int[n];
    new Random(5).nextBytes(pixels);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 20;
    }
    return LabeledImages.square(pixels, labels, 28);
  }

  private static String sha(Path file) {
    return Hashing.sha256(file);
  }
}
