package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.DiffusionObjective;
import dev.diffusionlab.diffusion.TrainingPair;
import dev.diffusionlab.nn.unet.Conditioning;
import dev.diffusionlab.nn.unet.UNet;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.util.Progress;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A D=4 time-conditioned UNet trained on 64 synthetic images for 3 epochs. */
class TrainingLoopTest {
  private static final TrainingPlan PLAN = new TrainingPlan(3, 16, 1e-2, 0.1, 64);

  @TempDir Path dir;

  private record Outcome(byte[] weights, float[] losses) {}

  @Test
  void sameSeedGivesTheSameWeightsByteForByte() throws Exception {
    Outcome a = train(dir.resolve("a"), 0);
    Outcome b = train(dir.resolve("b"), 0);
    assertArrayEquals(a.weights(), b.weights());
    assertArrayEquals(a.losses(), b.losses());
    assertEquals(3 * PLAN.stepsPerEpoch(), a.losses().length);
  }

  /**
   * Two epochs of the plan below (8 steps), recorded by running the loop as it was before {@link
   * Adam}, {@link LrSchedule} and {@link Checkpoint} replaced AdamOptimizer, TrainingPlan's rate
   * and the binary checkpoint (commit 4401da1): the step losses. They show the change kept part B's
   * training; the tolerance allows the last-bit differences of convolution kernels between CPU
   * models (the recording was made on another one).
   */
  @Test
  void twoEpochsReproduceTheOriginalLoopsLosses() throws Exception {
    float[] original = {
      1.8813783f, 1.5563194f, 1.3899789f, 1.2209443f, 1.120082f, 1.121528f, 1.1127275f, 1.0369712f
    };
    Outcome outcome = train(dir.resolve("pinned"), 0, new TrainingPlan(2, 16, 1e-2, 0.1, 64));
    assertEquals(original.length, outcome.losses().length);
    for (int i = 0; i < original.length; i++) {
      assertEquals(original[i], outcome.losses()[i], 1e-5 * original[i], "step " + (i + 1));
    }
  }

  @Test
  void interruptedTrainingResumesToTheSameBytesAsAnUninterruptedOne() throws Exception {
    Outcome uninterrupted = train(dir.resolve("full"), 0);
    Path work = dir.resolve("resumed");
    assertThrows(IllegalStateException.class, () -> train(work, 2));
    assertEquals(1, Checkpoint.latest(work).orElseThrow().epoch());
    Outcome resumed = train(work, 0);
    assertArrayEquals(uninterrupted.weights(), resumed.weights());
    assertArrayEquals(uninterrupted.losses(), resumed.losses());
  }

  @Test
  void learningRateDecaysExponentiallyToTheFinalFactor() {
    LrSchedule.ExponentialPerEpoch schedule = PLAN.schedule();
    assertEquals(1e-2f, schedule.atEpoch(0), 1e-9f);
    assertEquals(1e-2 * Math.pow(0.1, 1 / 3.0), schedule.atEpoch(1), 1e-9);
    assertEquals(1e-3f, schedule.atEpoch(3), 1e-9f);
    // Constant within an epoch of 4 steps: steps 4..7 are epoch 1.
    assertEquals(schedule.atEpoch(0), schedule.at(3), 0);
    assertEquals(schedule.atEpoch(1), schedule.at(4), 0);
    assertEquals(schedule.atEpoch(1), schedule.at(7), 0);
  }

  /** Trains in {@code work}; with {@code failAt} > 0 the run dies after that epoch's samples. */
  private static Outcome train(Path work, int failAt) throws Exception {
    return train(work, failAt, PLAN);
  }

  private static Outcome train(Path work, int failAt, TrainingPlan plan) throws Exception {
    Files.createDirectories(work);
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      UNet net = new UNet(UNetConfig.mnist(4, Conditioning.TIME));
      net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
      float[] data = syntheticImages(64);
      DiffusionObjective objective = DiffusionObjective.named("flow", 300);
      TrainingHistory history =
          new TrainingLoop(net, manager, plan, 11, work, Progress.silent(), "test")
              .run(
                  (m, store, indices, random) -> {
                    NDArray clean = batch(m, data, indices);
                    TrainingPair pair = objective.pair(clean, random);
                    NDArray pred =
                        net.forward(store, new NDList(pair.noisy(), pair.time()), true).head();
                    return pred.sub(pair.target()).square().mean();
                  },
                  epoch -> {
                    if (epoch == failAt) {
                      throw new IllegalStateException("interrupted");
                    }
                  });
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        net.saveParameters(out);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return new Outcome(bytes.toByteArray(), history.stepLosses());
    }
  }

  private static float[] syntheticImages(int n) {
    Random random = new Random(3);
    float[] out = new float[n * 28 * 28];
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextFloat();
    }
    return out;
  }

  private static NDArray batch(NDManager m, float[] data, int[] indices) {
    int size = 28 * 28;
    float[] out = new float[indices.length * size];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(data, indices[i] * size, out, i * size, size);
    }
    return m.create(out, new Shape(indices.length, 1, 28, 28));
  }
}
