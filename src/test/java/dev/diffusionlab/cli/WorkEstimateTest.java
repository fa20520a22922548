package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before a long build the dry run predicts the work ahead from earlier runs of the same
 * experiments, scaled by the work their type declares: an MNIST classifier that took 60 s for 1
 * epoch of 12,000 images predicts 15 min for 3 epochs of 60,000 (15 times the images).
 */
class WorkEstimateTest {
  @TempDir Path project;

  private void earlierEntry(String id, String type, String params, double wallSeconds)
      throws java.io.IOException {
    Path dir =
        Files.createDirectories(project.resolve("results").resolve(id).resolve("0123456789abcdef"));
    Files.writeString(
        dir.resolve("entry.json"),
        """
        {"id": "%s", "type": "%s", "key": "0123456789abcdef", "params": %s,
         "finished": "2026-11-24T20:34:07Z", "wallSeconds": %s, "outputs": []}
        """
            .formatted(id, type, params, wallSeconds));
  }

  @Test
  void scalesAnEarlierRunByTheDeclaredWorkAndNamesExperimentsWithoutOne() throws Exception {
    TestProjects.copyTemplates(project);
    TestProjects.write(project.resolve("content/index.md"), "# Work\n");
    TestProjects.write(
        project.resolve("content/manifest.yaml"),
        """
        experiments:
          - id: digits
            type: mnist-classifier
            params: {epochs: 3, train_size: 60000, batch_size: 64, learning_rate: 0.001}
          - id: noising
            type: mnist-noising
        """);
    earlierEntry(
        "digits",
        "mnist-classifier",
        "{\"epochs\": 1, \"train_size\": 12000, \"batch_size\": 64, \"learning_rate\": 0.001}",
        60.0);
    CommandRun run = CommandRun.of("build", "--project", project.toString(), "--dry-run");
    assertEquals(0, run.code(), run.out() + run.err());
    String digits = run.out().lines().filter(l -> l.startsWith("digits")).findFirst().orElseThrow();
    assertTrue(digits.endsWith("(about 15m00s)"), digits);
    assertTrue(
        run.out()
            .contains(
                "about 15m00s of work ahead, by the recorded times of earlier runs, plus 1 experiment"
                    + " has no earlier run to go by (noising)"),
        run.out());
  }
}
