package dev.diffusionlab.nn.deepfloyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.testing.Fixtures;
import dev.diffusionlab.testing.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java UNet against diffusers' outputs on the if-tiny fixture (same block structure as IF-I-XL,
 * tiny sizes): every case, case 1's intermediates, and the fp16 weight file.
 */
class IfUNetFixtureTest {
  private static final double ATOL = 1e-4;
  private static final double RTOL = 1e-4;
  private static final double EARLY_TOL = 1e-5;
  private static final Set<String> EARLY =
      Set.of("time_proj", "time_embedding", "add_embedding", "emb", "encoder_hid_proj", "conv_in");

  private static Path dir;
  private static NDManager manager;
  private static SafeTensors cases;

  @BeforeAll
  static void open() throws IOException {
    dir = Fixtures.dir("if-tiny");
    manager = NDManager.newBaseManager();
    cases = SafeTensors.open(dir.resolve("cases.safetensors"));
  }

  @AfterAll
  static void close() throws IOException {
    cases.close();
    manager.close();
  }

  private static IfUNet load(String weightsFile, NDManager owner) throws IOException {
    UNetConfig config = UNetConfig.read(dir.resolve("config.json"));
    try (SafeTensors weights = SafeTensors.open(dir.resolve(weightsFile))) {
      StoreParameters params = new StoreParameters(weights, weightsFile, owner, DataType.FLOAT32);
      IfUNet unet = new IfUNet(config, params);
      assertEquals(Set.of(), params.unusedNames(), "every tensor in the file is used");
      return unet;
    }
  }

  private static NDArray tensor(String name, NDManager m) throws IOException {
    return m.create(cases.readFloats(name), new Shape(cases.info(name).shape()));
  }

  private static double runCase(IfUNet unet, String caseName, String expectedSuffix)
      throws IOException {
    try (NDManager m = manager.newSubManager()) {
      NDArray out =
          unet.forward(
              tensor(caseName + ".x", m),
              tensor(caseName + ".timestep", m),
              tensor(caseName + ".encoder_hidden_states", m));
      String expected = caseName + "." + expectedSuffix;
      double err =
          Tensors.assertClose(
              expected, out, cases.info(expected).shape(), cases.readFloats(expected), ATOL, RTOL);
      System.out.printf("%s vs %s: max abs error %.3e%n", caseName, expectedSuffix, err);
      return err;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"case1", "case2", "case3", "case4"})
  void fp32WeightsReproduceDiffusersOutput(String caseName) throws IOException {
    try (NDManager weights = manager.newSubManager()) {
      runCase(load("diffusion_pytorch_model.safetensors", weights), caseName, "out");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"case1", "case2", "case3", "case4"})
  void fp16WeightFileReproducesRoundedWeightOutput(String caseName) throws IOException {
    try (NDManager weights = manager.newSubManager()) {
      runCase(load("diffusion_pytorch_model.fp16.safetensors", weights), caseName, "out_fp16w");
    }
  }

  @Test
  void intermediatesOfCase1MatchForwardHooks() throws IOException {
    try (NDManager weights = manager.newSubManager();
        NDManager m = manager.newSubManager()) {
      IfUNet unet = load("diffusion_pytorch_model.safetensors", weights);
      Map<String, float[]> captured = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      unet.forward(
          tensor("case1.x", m),
          tensor("case1.timestep", m),
          tensor("case1.encoder_hidden_states", m),
          (name, value) -> {
            captured.put(name, value.toType(DataType.FLOAT32, false).toFloatArray());
            shapes.put(name, value.getShape().getShape());
          });
      List<String> expectedNames =
          cases.names().stream()
              .filter(n -> n.startsWith("case1."))
              .map(n -> n.substring("case1.".length()))
              .filter(n -> !Set.of("x", "timestep", "encoder_hidden_states").contains(n))
              .filter(n -> !n.startsWith("out"))
              .toList();
      assertTrue(expectedNames.size() > 30, "fixture lists the intermediates");
      for (String name : expectedNames) {
        assertTrue(captured.containsKey(name), "forward pass reports intermediate " + name);
        String key = "case1." + name;
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            cases.info(key).shape(), shapes.get(name), name + ": shape");
        double tol = EARLY.contains(name) ? EARLY_TOL : ATOL;
        double err = Tensors.assertClose(name, captured.get(name), cases.readFloats(key), tol, tol);
        System.out.printf("case1.%s: max abs error %.3e%n", name, err);
      }
    }
  }
}
