package dev.diffusionlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.io.TensorFileException;
import dev.diffusionlab.tensor.Noise;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedModelTest {
  private static final EmbeddedUNet.Config TINY =
      new EmbeddedUNet.Config(8, 16, EmbeddedPrompts.DIM, 4);

  @Test
  void spaceToDepthIsUndoneByDepthToSpace() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.arange(2f * 3 * 4 * 6).reshape(2, 3, 4, 6);
      NDArray folded = Layers.spaceToDepth(x);
      assertEquals(new Shape(2, 12, 2, 3), folded.getShape());
      assertArrayEquals(x.toFloatArray(), Layers.depthToSpace(folded).toFloatArray(), 0f);
    }
  }

  @Test
  void unetPredictsNoiseAndVarianceAtImageSizeAndStartsAtZero() {
    try (NDManager manager = NDManager.newBaseManager();
        EmbeddedUNet unet = new EmbeddedUNet(TINY, manager, 1)) {
      NDArray x = Noise.seeded(1).normal(manager, new Shape(3, 1, 28, 28));
      NDArray t = manager.create(new float[] {0, 500, 999});
      NDArray embeds = manager.zeros(new Shape(3, 1, EmbeddedPrompts.DIM));
      NDArray out = unet.forward(x, t, embeds);
      assertEquals(new Shape(3, 2, 28, 28), out.getShape());
      // The output convolution is zero-initialised.
      assertEquals(0f, out.abs().max().getFloat(), 0f);
    }
  }

  @Test
  void weightsSurviveAHalfPrecisionRoundTrip(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        EmbeddedUNet a = new EmbeddedUNet(TINY, manager, 1);
        EmbeddedUNet b = new EmbeddedUNet(TINY, manager, 2)) {
      Path file = dir.resolve("w.safetensors");
      a.weights().save(file, true);
      b.weights().load(file);
      for (String name : a.weights().names()) {
        assertArrayEquals(
            a.weights().get(name).toFloatArray(),
            b.weights().get(name).toFloatArray(),
            2e-3f,
            name);
      }
    }
  }

  @Test
  void loadingWeightsOfAnotherArchitectureNamesFileAndTensor(@TempDir Path dir) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        EmbeddedUNet small = new EmbeddedUNet(TINY, manager, 1);
        EmbeddedUNet wider =
            new EmbeddedUNet(new EmbeddedUNet.Config(16, 16, EmbeddedPrompts.DIM, 4), manager, 1)) {
      Path file = dir.resolve("small.safetensors");
      small.weights().save(file, false);
      TensorFileException e =
          assertThrows(TensorFileException.class, () -> wider.weights().load(file));
      assertTrue(e.getMessage().contains("small.safetensors"), e.getMessage());
      assertTrue(e.getMessage().contains("in.weight"), e.getMessage());
    }
  }

  @Test
  void promptsCoverTwentyClassesTheGenericAndTheEmptyPrompt() {
    EmbeddedPrompts prompts = new EmbeddedPrompts();
    assertEquals(22, prompts.prompts().size());
    assertEquals("a handwritten digit 3", EmbeddedPrompts.classPrompt(3));
    assertEquals("an ankle boot", EmbeddedPrompts.classPrompt(19));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertEquals(0f, prompts.embed("", manager).sum().getFloat());
      assertEquals(1f, prompts.embed("a sandal", manager).getFloat(0, 15));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> prompts.embed("a cat", manager));
      assertTrue(e.getMessage().contains("a cat") && e.getMessage().contains("a sneaker"));
    }
  }

  @Test
  void hybridLossIsZeroForExactNoiseAndThePosteriorVariance() {
    HybridLoss loss = new HybridLoss(NoiseSchedule.squaredCosCapV2(1000));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray noise = Noise.seeded(3).normal(manager, new Shape(2, 1, 4, 4));
      // Variance value -1 selects the bottom of the learned range: the true posterior variance.
      NDArray output = noise.concat(manager.full(new Shape(2, 1, 4, 4), -1f), 1);
      HybridLoss.Terms terms = loss.compute(output, noise, new int[] {10, 700});
      assertEquals(0f, terms.mse().getFloat(), 1e-7f);
      assertEquals(0f, terms.vlb().getFloat(), 1e-6f);
    }
  }

  @Test
  void hybridLossKlMatchesTheGaussianKlByHand() {
    NoiseSchedule schedule = NoiseSchedule.squaredCosCapV2(1000);
    HybridLoss loss = new HybridLoss(schedule);
    int t = 400;
    double abar = schedule.alphaCumprod(t);
    double abarPrev = schedule.alphaCumprod(t - 1);
    double beta = 1 - abar / abarPrev;
    double posterior = (1 - abarPrev) / (1 - abar) * beta;
    // v = 1: model variance beta; noise error 0.5 gives a mean error c * 0.5.
    double c = Math.sqrt(abarPrev) * beta / (1 - abar) * Math.sqrt((1 - abar) / abar);
    double meanError = c * 0.5;
    double kl =
        0.5
            * (-1
                + Math.log(beta)
                - Math.log(posterior)
                + posterior / beta
                + meanError * meanError / beta);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray noise = manager.zeros(new Shape(1, 1, 2, 2));
      NDArray output =
          manager.full(new Shape(1, 1, 2, 2), 0.5f).concat(manager.ones(new Shape(1, 1, 2, 2)), 1);
      HybridLoss.Terms terms = loss.compute(output, noise, new int[] {t});
      assertEquals(kl / Math.log(2), terms.vlb().getFloat(), 1e-4 * kl);
      assertEquals(0.25f, terms.mse().getFloat(), 1e-7f);
    }
  }
}
