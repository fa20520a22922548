package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.Plan;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.run.slurm.JobRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hidden command a cluster job runs: one experiment into the cache, with its exit codes. */
class RunOneCommandTest {
  private static final String MANIFEST =
      """
      profiles:
        quick:
          types: {forward-process: {size: 16}}
      experiments:
        - id: forward
          type: forward-process
          seed: 1
          params: {image: images/cat.png, timesteps: [100]}
        - id: blur
          type: blur-denoise
          seed: 1
          params: {source: forward}
          depends_on: [forward]
      """;

  @TempDir Path project;
  private Plan plan;

  @BeforeEach
  void layOut() {
    TestProjects.copyImage(project, "cat.png");
    Path file = TestProjects.write(project.resolve("content/manifest.yaml"), MANIFEST);
    ExperimentTypes types = ExperimentTypes.standard();
    Manifest manifest = new ManifestParser(types.names()).parse(file);
    plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
  }

  private CommandRun runOne(String id, String key) {
    return CommandRun.of(
        "run-one", "--project", project.toString(), "--profile", "quick", "--id", id, "--key", key);
  }

  private String key(String id) {
    return plan.find(id).orElseThrow().key().hash();
  }

  @Test
  void runsOneExperimentOnceAfterItsDependencies() throws IOException {
    CommandRun early = runOne("blur", key("blur"));
    assertEquals(1, early.code(), early.out() + early.err());
    assertTrue(
        early.out().contains("failed: dependency forward has no complete entry"), early.out());
    assertFalse(Files.exists(project.resolve("results/blur")) && hasEntry("blur"));

    CommandRun forward = runOne("forward", key("forward"));
    assertEquals(0, forward.code(), forward.out() + forward.err());
    assertTrue(hasEntry("forward"));
    CommandRun blur = runOne("blur", key("blur"));
    assertEquals(0, blur.code(), blur.out() + blur.err());
    assertTrue(blur.out().contains("blur: done in"), blur.out());

    CommandRun again = runOne("blur", key("blur"));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("blur: already in the cache"), again.out());
  }

  @Test
  void aKeyTheManifestNoLongerGivesOrAnUnknownIdIsBadInput() {
    CommandRun stale = runOne("forward", "0".repeat(64));
    assertEquals(2, stale.code(), stale.err());
    assertTrue(
        stale
            .err()
            .contains(
                "--key: forward has key "
                    + key("forward")
                    + " now, not "
                    + "0".repeat(64)
                    + ": the manifest or an input changed after the job was submitted"),
        stale.err());
    CommandRun unknown = runOne("fowrard", key("forward"));
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("--id: no experiment 'fowrard'"), unknown.err());
    assertTrue(unknown.err().contains("did you mean"), unknown.err());
  }

  @Test
  void aDryRunNamesTheJobOfAnExperimentSubmittedEarlier() {
    new JobRecord("42", Path.of("ignored.log"), Instant.parse("2026-01-02T03:04:05Z"))
        .write(
            JobRecord.fileFor(
                project.resolve("results/forward"), plan.find("forward").orElseThrow().key()));
    TestProjects.write(project.resolve("content/index.md"), "# Home\n");
    CommandRun dry = CommandRun.of("--project", project.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.out() + dry.err());
    assertTrue(
        dry.out()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("forward")
                        && l.endsWith(
                            "never run; submitted as Slurm job 42 at 2026-01-02T03:04:05Z (build"
                                + " --executor slurm follows it)")),
        dry.out());
  }

  private boolean hasEntry(String id) throws IOException {
    try (Stream<Path> dirs = Files.list(project.resolve("results").resolve(id))) {
      return dirs.anyMatch(d -> Files.isRegularFile(d.resolve("entry.json")));
    }
  }
}
