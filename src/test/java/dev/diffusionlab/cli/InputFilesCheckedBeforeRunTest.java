package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a manifest names, inside content/ or outside it (masks, images, DeepFloyd weights and
 * prompt embeddings), are checked from their headers before any experiment runs: a bad one is bad
 * input (exit 2, file and field named), in a build and in a dry run alike, and nothing runs.
 */
class InputFilesCheckedBeforeRunTest {
  @TempDir Path project;
  @TempDir Path outside;

  @BeforeEach
  void layOut() {
    TestProjects.copyTemplates(project);
    TestProjects.copyImage(project, "cat.png");
    TestProjects.write(project.resolve("content/index.md"), "# Inputs\n");
  }

  private void manifest(String yaml) {
    TestProjects.write(project.resolve("content/manifest.yaml"), yaml);
  }

  /** Builds, dry and real, and checks both fail as bad input naming the field, with nothing run. */
  private void assertBadInput(String field, String... fragments) {
    for (String option : List.of("--dry-run", "--profile=quick")) {
      CommandRun run =
          CommandRun.of("build", "--project", project.toString(), option, "--only", "x");
      assertEquals(2, run.code(), option + ": " + run.out() + run.err());
      assertTrue(run.err().contains("params." + field + ":"), run.err());
      for (String fragment : fragments) {
        assertTrue(run.err().contains(fragment), run.err());
      }
      assertFalse(Files.exists(project.resolve("results")), "nothing ran");
    }
  }

  private void deepfloyd(String model, String embeddings) {
    manifest(
        """
        experiments:
          - id: x
            type: sample
            params:
              backend: deepfloyd
              model: %s
              embeddings: %s
              prompts: [a rocket ship]
        """
            .formatted(model, embeddings));
  }

  private Path embeddings() throws IOException {
    Path file = project.resolve("content/embeddings.safetensors");
    DeepFloydReportTest.writeEmbeddings(file, "", "a rocket ship");
    return file;
  }

  /** A copy of the tiny IF fixture in a folder of its own, to be damaged by a test. */
  private Path weightsCopy() throws IOException {
    Path copy = outside.resolve("if-tiny");
    Files.createDirectories(copy);
    for (String name :
        List.of("config.json", "diffusion_pytorch_model.safetensors", "scheduler_config.json")) {
      Files.copy(Fixtures.dir("if-tiny").resolve(name), copy.resolve(name));
    }
    return copy;
  }

  @Test
  void aNamedModelFolderThatDoesNotExistIsBadInputNotUnavailable() throws IOException {
    embeddings();
    deepfloyd(outside.resolve("no-such-model").toString(), "embeddings.safetensors");
    assertBadInput("model", "is neither a folder that exists nor a Hugging Face model id");
  }

  @Test
  void weightsWhoseShapesDoNotMatchTheirConfigAreBadInput() throws IOException {
    embeddings();
    Path weights = weightsCopy();
    Path config = weights.resolve("config.json");
    String json = Files.readString(config);
    String wider =
        json.replaceFirst(
            "\"block_out_channels\":\\s*\\[\\s*(\\d+)", "\"block_out_channels\": [$1" + "0");
    assertFalse(wider.equals(json), "the fixture's config names block_out_channels");
    Files.writeString(config, wider);
    deepfloyd(weights.toString(), "embeddings.safetensors");
    assertBadInput("model", weights.toString(), "config.json implies");
  }

  @Test
  void truncatedWeightsAreBadInputNamingTheFile() throws IOException {
    embeddings();
    Path weights = weightsCopy();
    Path file = weights.resolve("diffusion_pytorch_model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    deepfloyd(weights.toString(), "embeddings.safetensors");
    assertBadInput("model", "diffusion_pytorch_model.safetensors");
  }

  @Test
  void embeddingsThatLeaveTheContentFolderAreBadInputNotUnavailable() throws IOException {
    Path file = outside.resolve("embeddings.safetensors");
    DeepFloydReportTest.writeEmbeddings(file, "", "a rocket ship");
    Path relative = project.resolve("content").relativize(file);
    deepfloyd(Fixtures.dir("if-tiny").toString(), relative.toString());
    assertBadInput("embeddings", "is not a file inside");

    Files.createSymbolicLink(project.resolve("content/linked.safetensors"), file);
    deepfloyd(Fixtures.dir("if-tiny").toString(), "linked.safetensors");
    assertBadInput("embeddings", "linked.safetensors");
  }

  @Test
  void embeddingsHoldingNaNAreBadInput() throws IOException {
    Path file = embeddings();
    byte[] bytes = Files.readAllBytes(file);
    int last = bytes.length - 4; // the last float32 of the last prompt, little-endian
    bytes[last] = 0;
    bytes[last + 1] = 0;
    bytes[last + 2] = (byte) 0xc0;
    bytes[last + 3] = 0x7f;
    Files.write(file, bytes);
    deepfloyd(Fixtures.dir("if-tiny").toString(), "embeddings.safetensors");
    assertBadInput("embeddings", "embeddings.safetensors");
  }

  private void inpaint(String mask) {
    manifest(
        """
        experiments:
          - id: train
            type: embedded-denoiser-train
          - id: x
            type: inpaint
            depends_on: [train]
            params:
              images: [images/cat.png]
              masks: [%s]
        """
            .formatted(mask));
  }

  @Test
  void aMaskThatIsNotAnImageOrHasOtherProportionsIsBadInput() throws IOException {
    Files.writeString(project.resolve("content/images/mask.png"), "not a png");
    inpaint("images/mask.png");
    assertBadInput("masks[0]", "not a readable image");

    java.awt.image.BufferedImage tall =
        new java.awt.image.BufferedImage(8, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(tall, "png", project.resolve("content/images/mask.png").toFile());
    inpaint("images/mask.png");
    assertBadInput("masks[0]", "is 8x16 but its image is");

    inpaint("../../mask.png");
    assertBadInput("masks[0]", "is not a file inside");
  }

  @Test
  void anImageWhoseHeaderClaimsHugeSidesIsRefusedWithoutDecodingIt() throws IOException {
    Files.write(project.resolve("content/images/huge.png"), pngHeader(100_000, 100_000));
    manifest(
        """
        experiments:
          - id: x
            type: forward-process
            params: {image: images/huge.png}
        """);
    assertBadInput("image", "100000x100000", "limit of 8192");
  }

  /** A PNG of signature, IHDR (8-bit RGB) and IEND only: a header that claims its size. */
  private static byte[] pngHeader(int width, int height) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream fields = new DataOutputStream(ihdr);
    fields.writeInt(width);
    fields.writeInt(height);
    fields.write(new byte[] {8, 2, 0, 0, 0});
    chunk(out, "IHDR", ihdr.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return bytes.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
