package dev.diffusionlab.nn.deepfloyd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffusionlab.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Builds IF-I-XL's module tree from its real config.json with a {@link ShapeRecorder} (nothing is
 * allocated) and compares every parameter name and shape with diffusers' state dict.
 */
class IfXlParameterShapesTest {

  @Test
  void xlConfigYieldsExactlyTheDiffusersStateDict() throws IOException {
    Path dir = Fixtures.dir("if-tiny");
    ShapeRecorder recorder = new ShapeRecorder();
    new IfUNet(UNetConfig.read(dir.resolve("if-i-xl-config.json")), recorder);

    Map<String, String> expected = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("if-i-xl-state-dict-keys.txt"))) {
      if (!line.isBlank()) {
        String[] parts = line.split("\t");
        expected.put(parts[0], parts[1].replace(" ", ""));
      }
    }
    Map<String, String> actual = new TreeMap<>();
    recorder
        .shapes()
        .forEach((name, shape) -> actual.put(name, Arrays.toString(shape).replace(" ", "")));

    assertEquals(775, expected.size(), "reference key count");
    assertEquals(expected, actual);
    assertEquals(4_304_695_110L, recorder.parameterCount());
  }

  @Test
  void tinyConfigRecordsTheSameKeysAsItsWeightFile() throws IOException {
    Path dir = Fixtures.dir("if-tiny");
    ShapeRecorder recorder = new ShapeRecorder();
    new IfUNet(UNetConfig.read(dir.resolve("config.json")), recorder);
    assertEquals(591, recorder.shapes().size());
    assertEquals(470_094L, recorder.parameterCount());
  }
}
