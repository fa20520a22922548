package dev.diffusionlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleIndexTest {
  @TempDir Path dir;

  @Test
  void sharedValuesComeFirstAndFieldsThatDoNotApplyAreLeftOut() throws Exception {
    Path file = dir.resolve("index.json");
    new SampleIndex()
        .put("objective", "flow")
        .put("epoch", 4)
        .add(new SampleIndex.Sample("class3-s1.png", null, 4, 3, null, null, 5.0))
        .add(new SampleIndex.Sample("generic-s1.png", "a photo", null, -1, 1, 34, 7.0))
        .write(file);
    String expected =
        """
        {
          "objective" : "flow",
          "epoch" : 4,
          "samples" : [ {
            "file" : "class3-s1.png",
            "epoch" : 4,
            "class" : 3,
            "guidance" : 5.0
          }, {
            "file" : "generic-s1.png",
            "prompt" : "a photo",
            "class" : -1,
            "sample" : 1,
            "steps" : 34,
            "guidance" : 7.0
          } ]
        }""";
    assertEquals(expected, Files.readString(file).strip());
  }
}
