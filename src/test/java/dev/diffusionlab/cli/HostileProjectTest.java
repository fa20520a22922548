package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed file is untrusted input: symbolic links planted in content/, templates/static/ and
 * the site folder must neither publish nor overwrite a file elsewhere on the build machine.
 */
class HostileProjectTest {
  private static final String SECRET = "CI_TOKEN=s3cr3t";

  @TempDir Path project;
  @TempDir Path elsewhere;

  private Path secret;

  @BeforeEach
  void layOut() {
    TestProjects.copyTemplates(project);
    TestProjects.copyImage(project, "cat.png");
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        """
        profiles:
          quick:
            types: {forward-process: {size: 16}}
        experiments:
          - id: forward
            type: forward-process
            params: {image: images/cat.png, timesteps: [100]}
        """);
    TestProjects.write(
        project.resolve("content/index.md"), "# Home\n\n![The cat](exp:forward/original.png)\n");
    secret = TestProjects.write(elsewhere.resolve("environ"), SECRET);
  }

  private CommandRun build() {
    return CommandRun.of("--project", project.toString());
  }

  @Test
  void pageLinkedToAFileElsewhereIsBadInputAndNotPublished() throws IOException {
    Files.createSymbolicLink(project.resolve("content/env.md"), secret);
    CommandRun run = build();
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("env.md is a symbolic link"), run.err());
    assertFalse(siteContains(SECRET));
  }

  @Test
  void imageThroughALinkedFolderIsBadInputBeforeAnythingRuns() throws IOException {
    Files.copy(project.resolve("content/images/cat.png"), elsewhere.resolve("anything.png"));
    Files.createSymbolicLink(project.resolve("content/images/x"), elsewhere);
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        Files.readString(project.resolve("content/manifest.yaml"))
            .replace("images/cat.png", "images/x/anything.png"));
    CommandRun run = build();
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("params.image"), run.err());
    assertTrue(run.err().contains("link that leaves the content folder"), run.err());
    assertFalse(Files.exists(project.resolve("results/forward")), "nothing ran");
  }

  @Test
  void staticAssetLinkedElsewhereIsBadInputAndNotPublished() throws IOException {
    Files.createSymbolicLink(project.resolve("templates/static/leak.css"), secret);
    CommandRun run = build();
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("leak.css is a symbolic link"), run.err());
    assertFalse(siteContains(SECRET));
  }

  @Test
  void siteIsNeverWrittenThroughALinkInIt() throws IOException {
    assertEquals(0, build().code());
    Path page = project.resolve("site/experiments.html");
    Files.delete(page);
    Files.createSymbolicLink(page, secret);
    CommandRun run = build();
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("experiments.html is a symbolic link"), run.err());
    assertEquals(SECRET, Files.readString(secret), "the link's target is untouched");
  }

  private boolean siteContains(String text) {
    Path site = project.resolve("site");
    if (!Files.exists(site)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(site)) {
      return files
          .filter(Files::isRegularFile)
          .anyMatch(
              f -> {
                try {
                  return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                      .contains(text);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
