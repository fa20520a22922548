package dev.diffusionlab.nn.deepfloyd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.diffusion.NoiseSchedule;
import dev.diffusionlab.io.HostTensor;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.io.TensorDType;
import dev.diffusionlab.testing.Fixtures;
import dev.diffusionlab.testing.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deepfloyd backend end to end on the tiny fixture, and its handling of missing files. */
class DeepFloydBackendTest {
  @TempDir Path tmp;

  /** case4's two embedding rows as two "prompts". */
  private static PrecomputedPromptEmbeddings case4Prompts(SafeTensors cases) throws IOException {
    float[] all = cases.readFloats("case4.encoder_hidden_states");
    int row = 77 * 48;
    Map<String, HostTensor> raw = new LinkedHashMap<>();
    raw.put(
        "first",
        new HostTensor(new long[] {1, 77, 48}, Arrays.copyOfRange(all, 0, row), TensorDType.F32));
    raw.put(
        "second",
        new HostTensor(
            new long[] {77, 48}, Arrays.copyOfRange(all, row, 2 * row), TensorDType.F32));
    return PrecomputedPromptEmbeddings.of(Path.of("case4"), raw);
  }

  @Test
  void denoiserPredictsDiffusersOutputThroughTheInterface() throws IOException {
    Path dir = Fixtures.dir("if-tiny");
    try (SafeTensors cases = SafeTensors.open(dir.resolve("cases.safetensors"));
        NDManager m = NDManager.newBaseManager()) {
      PrecomputedPromptEmbeddings prompts = case4Prompts(cases);
      try (DeepFloydDenoiser denoiser = DeepFloydBackend.load(dir, prompts, Device.cpu())) {
        assertEquals(3, denoiser.channels());
        assertEquals(32, denoiser.imageSize());
        assertArrayEquals(
            NoiseSchedule.squaredCosCapV2(1000).alphasCumprod(),
            denoiser.schedule().alphasCumprod());
        assertEquals(List.of("first", "second"), denoiser.prompts().prompts());
        NDArray embeds =
            NDArrays.stack(
                new NDList(
                    denoiser.prompts().embed("first", m), denoiser.prompts().embed("second", m)));
        NDArray x = m.create(cases.readFloats("case4.x"), new Shape(2, 3, 32, 32));
        NDArray out = denoiser.predict(x, new int[] {700, 250}, embeds);
        assertEquals(m, out.getManager());
        double err =
            Tensors.assertClose(
                "case4 via Denoiser",
                out,
                new long[] {2, 6, 32, 32},
                cases.readFloats("case4.out"),
                1e-4,
                1e-4);
        System.out.printf("case4 through DeepFloydDenoiser: max abs error %.3e%n", err);

        NDArray narrow = m.zeros(new Shape(2, 77, 32));
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> denoiser.predict(x, new int[] {1, 2}, narrow));
        assertTrue(e.getMessage().contains("encoder_hid_dim 48"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> denoiser.prompts().embed("unknown", m));
      }
    }
  }

  @Test
  void promptEmbeddingsLoadFromTheCoursePthFormat() throws IOException {
    PrecomputedPromptEmbeddings prompts =
        PrecomputedPromptEmbeddings.read(Fixtures.dir("pth").resolve("prompt_embeds_small.pth"));
    assertEquals(32, prompts.width());
    assertTrue(prompts.prompts().contains(""));
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(new Shape(77, 32), prompts.embed("a rocket ship", m).getShape());
    }
  }

  @Test
  void findsUnetInHuggingFaceCacheSnapshotNamedByRefsMain() throws IOException {
    Path hub = tmp.resolve("hub");
    Path repo = hub.resolve("models--DeepFloyd--IF-I-XL-v1.0");
    Path unet = repo.resolve("snapshots").resolve("abc123").resolve("unet");
    Files.createDirectories(unet);
    Files.writeString(unet.resolve("config.json"), "{}");
    Files.writeString(unet.resolve("diffusion_pytorch_model.fp16.safetensors"), "");
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs").resolve("main"), "abc123\n");
    IfModelLocator locator = new IfModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    assertEquals(unet, locator.unetFolder("DeepFloyd/IF-I-XL-v1.0", null));
    assertEquals(unet, locator.unetFolder("ignored", unet.getParent()));
    assertEquals(unet, locator.unetFolder("ignored", unet));
  }

  @Test
  void missingWeightsSayWhatToDownloadAndWhere() {
    IfModelLocator locator = new IfModelLocator(Map.of(), tmp);
    WeightsUnavailableException e =
        assertThrows(
            WeightsUnavailableException.class,
            () -> locator.unetFolder("DeepFloyd/IF-I-XL-v1.0", null));
    assertTrue(e.getMessage().startsWith("weights not available"), e.getMessage());
    assertTrue(e.getMessage().contains("DeepFloyd/IF-I-XL-v1.0"), e.getMessage());
    assertTrue(e.getMessage().contains("license"), e.getMessage());
    assertTrue(e.getMessage().contains(".cache/huggingface/hub"), e.getMessage());
    assertEquals(
        List.of(tmp.resolve(".cache/huggingface/hub/models--DeepFloyd--IF-I-XL-v1.0")),
        e.searched());

    assertThrows(
        WeightsUnavailableException.class, () -> locator.unetFolder("DeepFloyd/IF-I-M-v1.0", tmp));
  }

  @Test
  void missingEmbeddingsFileIsReportedAsUnavailable() {
    Path dir = Fixtures.dir("if-tiny");
    WeightsUnavailableException e =
        assertThrows(
            WeightsUnavailableException.class,
            () ->
                DeepFloydBackend.open(
                    new DeepFloydBackend.Settings(
                        "DeepFloyd/IF-I-XL-v1.0",
                        dir,
                        tmp.resolve("prompt_embeds_dict.pth"),
                        Device.cpu())));
    assertTrue(e.getMessage().contains("prompt_embeds_dict.pth"), e.getMessage());
  }

  @Test
  void rejectsConfigOfAnotherArchitectureByField() throws IOException {
    Path dir = Fixtures.dir("if-tiny");
    String config = Files.readString(dir.resolve("config.json")).replace("\"gelu\"", "\"silu\"");
    Path file = tmp.resolve("config.json");
    Files.writeString(file, config);
    InvalidModelConfigException e =
        assertThrows(InvalidModelConfigException.class, () -> UNetConfig.read(file));
    assertTrue(e.getMessage().contains("act_fn"), e.getMessage());
  }
}
