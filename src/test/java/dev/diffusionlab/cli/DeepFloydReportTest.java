package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.report.ImageGrid;
import dev.diffusionlab.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deepfloyd backend through the whole program: with weights (the tiny IF fixture, which has
 * IF's architecture) a part A experiment renders its figure; without them the build still succeeds
 * and the page says what is missing.
 */
class DeepFloydReportTest {
  @TempDir Path project;

  /** A safetensors file mapping each prompt to a [1, 77, 48] float32 embedding. */
  static void writeEmbeddings(Path file, String... prompts) throws IOException {
    int floats = 77 * 48;
    StringBuilder header = new StringBuilder("{");
    for (int i = 0; i < prompts.length; i++) {
      header
          .append(i == 0 ? "" : ",")
          .append('"')
          .append(prompts[i])
          .append("\":{\"dtype\":\"F32\",")
          .append("\"shape\":[1,77,48],\"data_offsets\":[")
          .append(4L * floats * i)
          .append(',')
          .append(4L * floats * (i + 1))
          .append("]}");
    }
    header.append('}');
    while (header.length() % 8 != 0) {
      header.append(' ');
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate(8 + json.length + 4 * floats * prompts.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    Random random = new Random(1);
    for (int i = 0; i < floats * prompts.length; i++) {
      buffer.putFloat((float) random.nextGaussian());
    }
    Files.write(file, buffer.array());
  }

  @Test
  void rendersWithWeightsAndShowsANoteWithout() throws IOException {
    Path embeddings = project.resolve("embeddings.safetensors");
    writeEmbeddings(embeddings, "", "a rocket ship");
    Path weights = Fixtures.dir("if-tiny");
    TestProjects.copyTemplates(project);
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        """
        experiments:
          - id: tiny-if
            type: sample
            seed: 1
            params:
              backend: deepfloyd
              model: %s
              embeddings: %s
              prompts: [a rocket ship]
              samples: 2
              strides: [250]
              guidance: 7.0
          - id: real-if
            type: sample
            params:
              backend: deepfloyd
              model: DeepFloyd/IF-I-Q-v9.9
              embeddings: %s
              prompts: [a rocket ship]
        """
            .formatted(weights, embeddings, embeddings));
    TestProjects.write(
        project.resolve("content/index.md"),
        """
        ![Tiny IF samples](exp:tiny-if/samples.png)

        ![Real IF samples](exp:real-if/samples.png)
        """);
    PrintStream out = System.out;
    int code;
    try {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      code = Main.execute("--project", project.toString());
    } finally {
      System.setOut(out);
    }
    assertEquals(0, code, "a missing licensed model does not fail the build");
    Document page = Jsoup.parse(project.resolve("site/index.html").toFile(), "UTF-8");
    assertNotNull(page.selectFirst("img[src=assets/tiny-if/samples.png]"));
    // two samples of the one prompt, its row labelled (labels are text beside the pixels)
    assertEquals(
        new ImageGrid.Labels(List.of("sample 1", "sample 2"), List.of("a rocket ship")),
        ImageGrid.labels(project.resolve("site/assets/tiny-if/samples.png")).orElseThrow());
    String note = page.selectFirst(".missing").text();
    assertTrue(note.contains("real-if") && note.contains("weights not available"), note);
    assertTrue(note.contains("DeepFloyd/IF-I-Q-v9.9"), note);
  }
}
