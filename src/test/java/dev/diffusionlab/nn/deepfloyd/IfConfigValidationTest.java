package dev.diffusionlab.nn.deepfloyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.io.HostTensor;
import dev.diffusionlab.io.TensorDType;
import dev.diffusionlab.io.TensorFileException;
import dev.diffusionlab.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config, scheduler and embedding files with values that would fail deep inside the model. */
class IfConfigValidationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  /** The tiny fixture's config.json with one field replaced, as the file a user would have. */
  private Path configWith(String field, Object value) throws IOException {
    ObjectNode config =
        (ObjectNode)
            JSON.readTree(Files.readString(Fixtures.dir("if-tiny").resolve("config.json")));
    config.set(field, JSON.valueToTree(value));
    return Files.writeString(tmp.resolve("config.json"), config.toString());
  }

  private void assertRejected(String field, Object value, String expected) throws IOException {
    Path file = configWith(field, value);
    InvalidModelConfigException e =
        assertThrows(InvalidModelConfigException.class, () -> UNetConfig.read(file));
    assertTrue(e.getMessage().contains("config.json: field '"), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void rejectsSizesThatDoNotDivideOrOverflowNamingTheField() throws IOException {
    // Each once ended in "/ by zero", "integer overflow" or a shape error inside the UNet.
    assertRejected("attention_head_dim", 64, "field 'attention_head_dim[0]' is 64");
    assertRejected("norm_num_groups", 3, "does not divide block_out_channels[0] = 8");
    assertRejected("addition_embed_type_num_heads", 5, "does not divide encoder_hid_dim = 48");
    assertRejected(
        "block_out_channels",
        new int[] {1 << 30, 16, 24, 32},
        "field 'block_out_channels[0]' is 1073741824");
    assertRejected("time_embedding_dim", Integer.MAX_VALUE, "at most 65536");
    assertRejected("conv_in_kernel", 4, "must be odd");
    assertRejected("norm_eps", 0, "must lie in (0, 1)");
    UNetConfig fixture = UNetConfig.read(Fixtures.dir("if-tiny").resolve("config.json"));
    assertEquals(4, fixture.levels(), "the fixture itself passes");
  }

  private Path unetWithScheduler(String json) throws IOException {
    Path unet = Files.createDirectories(tmp.resolve("model/unet"));
    Files.createDirectories(tmp.resolve("model/scheduler"));
    Files.writeString(tmp.resolve("model/scheduler/scheduler_config.json"), json);
    return unet;
  }

  @Test
  void rejectsSchedulerConfigsNamingFileAndField() throws IOException {
    for (String bad :
        new String[] {
          "{\"beta_schedule\": \"squaredcos_cap_v2\", \"num_train_timesteps\": 0}",
          "{\"beta_schedule\": \"squaredcos_cap_v2\", \"num_train_timesteps\": 2147483647}",
          "{\"beta_schedule\": \"linear\", \"beta_start\": 0.5, \"beta_end\": 0.1}",
          "{\"beta_schedule\": \"linear\", \"beta_end\": 7}",
          "[1, 2"
        }) {
      Path unet = unetWithScheduler(bad);
      InvalidModelConfigException e =
          assertThrows(InvalidModelConfigException.class, () -> DeepFloydBackend.schedule(unet));
      assertTrue(e.getMessage().contains("scheduler_config.json: field '"), bad + ": " + e);
    }
    Path good = unetWithScheduler("{\"beta_schedule\": \"squaredcos_cap_v2\"}");
    assertEquals(1000, DeepFloydBackend.schedule(good).alphasCumprod().length);
  }

  @Test
  void rejectsNonFiniteEmbeddingsNamingFileAndPrompt() {
    float[] values = new float[2 * 3];
    values[4] = Float.NaN;
    Map<String, HostTensor> raw =
        Map.of("a rocket ship", new HostTensor(new long[] {2, 3}, values, TensorDType.F32));
    TensorFileException e =
        assertThrows(
            TensorFileException.class,
            () -> PrecomputedPromptEmbeddings.of(Path.of("embeds.npz"), raw));
    assertTrue(e.getMessage().startsWith("embeds.npz: "), e.getMessage());
    assertTrue(e.getMessage().contains("prompt 'a rocket ship' holds NaN"), e.getMessage());
    values[4] = Float.POSITIVE_INFINITY;
    Map<String, HostTensor> infinite =
        Map.of("x", new HostTensor(new long[] {2, 3}, values, TensorDType.F32));
    assertThrows(
        TensorFileException.class,
        () -> PrecomputedPromptEmbeddings.of(Path.of("embeds.npz"), infinite));
  }
}
