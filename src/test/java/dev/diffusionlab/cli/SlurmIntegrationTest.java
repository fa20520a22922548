package dev.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.TestProjects;
import dev.diffusionlab.build.Bake;
import dev.diffusionlab.build.ExecutorChoice;
import dev.diffusionlab.build.Project;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.run.ExperimentResult;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a small manifest of cheap experiments through a real Slurm ({@code scripts/local-slurm.sh
 * start}): jobs in dependency order with entries identical to a local build's, a failing and a
 * cancelled job, {@code --no-wait} and a later build, and a local and a Slurm build sharing one
 * cache. Skipped where no Slurm answers, except under {@code CI=true}, where a missing Slurm fails
 * the test.
 */
@Tag("slurm")
class SlurmIntegrationTest {
  private static final String MANIFEST =
      """
      title: Tiny report
      profiles:
        quick:
          types: {forward-process: {size: 16}}
      experiments:
        - id: forward
          type: forward-process
          seed: 1
          params: {image: images/cat.png, timesteps: [100, 900]}
        - id: blur
          type: blur-denoise
          seed: 1
          params: {source: forward}
          depends_on: [forward]
        - id: other
          type: forward-process
          seed: 2
          params: {image: images/cat.png, timesteps: [500]}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path project;
  @TempDir Path local;

  @BeforeAll
  static void needsSlurm() {
    boolean up = slurmAnswers();
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(up, "CI=true but no Slurm answers: .ci/run starts it (scripts/local-slurm.sh)");
    }
    assumeTrue(up, "no Slurm here; scripts/local-slurm.sh start makes one");
  }

  private static boolean slurmAnswers() {
    try {
      Process sinfo =
          new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
      String out = new String(sinfo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return sinfo.waitFor(30, TimeUnit.SECONDS)
          && sinfo.exitValue() == 0
          && Pattern.compile("idle|mixed|alloc").matcher(out).find();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @BeforeEach
  void layOut() {
    for (Path p : List.of(project, local)) {
      TestProjects.copyTemplates(p);
      TestProjects.copyImage(p, "cat.png");
      TestProjects.write(p.resolve("content/manifest.yaml"), MANIFEST);
      TestProjects.write(
          p.resolve("content/index.md"),
          "---\ntitle: Home\n---\n![The cat](exp:forward/original.png){#fig-cat}\n\n"
              + "![Blurred](exp:blur/blur.png){#fig-blur}\n");
    }
  }

  private static CommandRun cli(Path project, String... options) {
    List<String> args =
        new java.util.ArrayList<>(List.of("build", "--project", project.toString()));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  @Test
  void eachStaleExperimentRunsAsAJobInDependencyOrderAndMatchesALocalBuild() throws IOException {
    CommandRun slurm = cli(project, "--executor", "slurm");
    assertEquals(0, slurm.code(), slurm.out() + slurm.err());
    assertTrue(Files.isRegularFile(project.resolve("site/index.html")));
    assertTrue(slurm.out().contains("blur: Slurm job"), slurm.out());
    assertTrue(slurm.out().contains("pending (Dependency)"), slurm.out());
    assertTrue(slurm.out().contains("3 ran"), slurm.out());

    CommandRun here = cli(local);
    assertEquals(0, here.code(), here.out() + here.err());
    for (String id : List.of("forward", "blur", "other")) {
      JsonNode job = entry(project, id);
      JsonNode mine = entry(local, id);
      assertEquals(mine.path("key").asText(), job.path("key").asText(), id);
      assertEquals(outputs(mine), outputs(job), id + ": the same files, byte for byte");
      assertEquals("slurm", job.path("executor").asText(), id);
      assertTrue(job.path("jobId").asText().matches("[0-9]+"), job.toString());
      assertFalse(job.path("node").asText().isEmpty(), job.toString());
      assertEquals("local", mine.path("executor").asText(), id);
    }
    Instant forwardEnd = Instant.parse(entry(project, "forward").path("finished").asText());
    Instant blurStart = Instant.parse(entry(project, "blur").path("started").asText());
    assertFalse(blurStart.isBefore(forwardEnd), "blur's job waited for forward's");
    assertEquals(List.of(), leftovers(project));

    CommandRun again = cli(project, "--executor", "slurm");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("3 cached, 0 ran"), again.out());
    assertFalse(again.out().contains("Slurm job"), "nothing submitted: " + again.out());
  }

  @Test
  void aFailedJobAndACancelledJobLeaveNoEntryAndTheirDependentsDoNotRun() throws Exception {
    // Failed: the manifest changes after submission, so the job's run-one refuses its old key.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Bake.Result> failing =
        CompletableFuture.supplyAsync(
            () -> bake(project, out, List.of("--begin=now+6")).build(only("blur")));
    awaitJobRecords(project, 2);
    TestProjects.write(
        project.resolve("content/manifest.yaml"), MANIFEST.replace("[100, 900]", "[100, 800]"));
    Bake.Result failed = failing.get(180, TimeUnit.SECONDS);
    String log = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, failed.exitCode(), log);
    ExperimentResult forward = result(failed, "forward");
    assertEquals(Outcome.FAILED, forward.outcome(), log);
    Matcher m =
        Pattern.compile(
                "failed: Slurm job ([0-9]+) ended FAILED with exit code 2 \\(NonZeroExitCode\\);"
                    + " log: results/forward/\\.slurm-\\1\\.log")
            .matcher(forward.detail());
    assertTrue(m.matches(), forward.detail());
    String jobLog =
        Files.readString(project.resolve("results/forward/.slurm-" + m.group(1) + ".log"));
    assertTrue(jobLog.contains("the manifest or an input changed"), jobLog);
    assertEquals(Outcome.SKIPPED, result(failed, "blur").outcome());
    assertEquals("skipped: dependency forward failed", result(failed, "blur").detail());
    assertFalse(hasEntry(project, "forward") || hasEntry(project, "blur"));

    // Cancelled: scancel while the job waits for its start time.
    TestProjects.write(project.resolve("content/manifest.yaml"), MANIFEST);
    ByteArrayOutputStream out2 = new ByteArrayOutputStream();
    CompletableFuture<Bake.Result> cancelling =
        CompletableFuture.supplyAsync(
            () -> bake(project, out2, List.of("--begin=now+600")).build(only("blur")));
    awaitJobRecords(project, 2);
    String forwardJob = jobId(project, "forward");
    assertEquals(0, new ProcessBuilder("scancel", forwardJob).start().waitFor());
    Bake.Result cancelled = cancelling.get(120, TimeUnit.SECONDS);
    assertEquals(1, cancelled.exitCode(), out2.toString(StandardCharsets.UTF_8));
    assertTrue(
        result(cancelled, "forward")
            .detail()
            .startsWith("failed: Slurm job " + forwardJob + " ended CANCELLED"),
        result(cancelled, "forward").detail());
    assertEquals(Outcome.SKIPPED, result(cancelled, "blur").outcome());
    assertFalse(hasEntry(project, "forward") || hasEntry(project, "blur"));
    assertEquals(List.of(), leftovers(project));

    // The next build submits what is missing and succeeds.
    CommandRun next = cli(project, "--executor", "slurm", "--only", "blur");
    assertEquals(0, next.code(), next.out() + next.err());
    assertTrue(next.out().contains("2 ran"), next.out());
  }

  @Test
  void noWaitSubmitsAndALaterBuildFollowsTheJobsAndRenders() throws IOException {
    CommandRun submitted =
        cli(project, "--executor", "slurm", "--no-wait", "--sbatch-option=--begin=now+3");
    assertEquals(0, submitted.code(), submitted.out() + submitted.err());
    assertTrue(submitted.out().contains("3 still running as Slurm jobs"), submitted.out());
    String forwardJob = jobId(project, "forward");

    CommandRun later = cli(project, "--executor", "slurm");
    assertEquals(0, later.code(), later.out() + later.err());
    assertTrue(
        later.out().contains("forward: running as Slurm job " + forwardJob + " (submitted before)"),
        later.out());
    assertTrue(later.out().contains("3 ran"), later.out());
    assertTrue(Files.readString(project.resolve("site/index.html")).contains("fig-blur"));
    assertEquals(List.of(), leftovers(project));
  }

  @Test
  void aLocalAndASlurmBuildShareOneCache() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Bake.Result> onSlurm =
        CompletableFuture.supplyAsync(() -> bake(project, out, List.of()).build(all()));
    ByteArrayOutputStream out2 = new ByteArrayOutputStream();
    Bake.Result here =
        new Bake(Project.at(project), ExperimentTypes.standard(), print(out2), false).build(all());
    Bake.Result there = onSlurm.get(180, TimeUnit.SECONDS);
    String logs = out.toString(StandardCharsets.UTF_8) + out2.toString(StandardCharsets.UTF_8);
    assertEquals(0, here.exitCode(), logs);
    assertEquals(0, there.exitCode(), logs);
    for (String id : List.of("forward", "blur", "other")) {
      try (Stream<Path> keys = Files.list(project.resolve("results").resolve(id))) {
        assertEquals(1, keys.filter(Files::isDirectory).count(), id + ": one entry\n" + logs);
      }
      assertEquals(
          entry(project, id).path("key").asText(),
          here.report().entries().get(id).key(),
          "both builds report the one entry");
      assertEquals(here.report().entries().get(id).key(), there.report().entries().get(id).key());
    }
    assertEquals(List.of(), leftovers(project));
    CommandRun dry = cli(project, "--dry-run");
    assertTrue(dry.out().contains("3 cached, 0 to run"), dry.out());
  }

  private static Bake bake(Path project, ByteArrayOutputStream out, List<String> sbatchOptions) {
    ExecutorChoice slurm = ExecutorChoice.slurm(false, sbatchOptions, Optional.empty());
    ExecutorChoice fast =
        new ExecutorChoice(
            slurm.kind(),
            false,
            slurm.sbatchOptions(),
            Optional.empty(),
            slurm.slurm(),
            java.time.Duration.ofMillis(500));
    return new Bake(Project.at(project), ExperimentTypes.standard(), print(out), false)
        .withExecutor(fast);
  }

  private static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  private static Bake.Request all() {
    return Bake.Request.of("quick");
  }

  private static Bake.Request only(String id) {
    return new Bake.Request("quick", java.util.Set.of(id), java.util.Set.of(), false, null);
  }

  private static ExperimentResult result(Bake.Result result, String id) {
    return result.report().results().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static void awaitJobRecords(Path project, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (files(project.resolve("results"), ".job-").size() < count) {
      assertTrue(System.nanoTime() < deadline, "the jobs were never submitted");
      Thread.sleep(50);
    }
  }

  private static String jobId(Path project, String id) throws IOException {
    List<Path> records = files(project.resolve("results").resolve(id), ".job-");
    assertEquals(1, records.size(), records.toString());
    return JSON.readTree(records.get(0).toFile()).path("jobId").asText();
  }

  private static boolean hasEntry(Path project, String id) {
    Path dir = project.resolve("results").resolve(id);
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(c -> Files.isRegularFile(c.resolve("entry.json")));
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode entry(Path project, String id) throws IOException {
    try (Stream<Path> children = Files.list(project.resolve("results").resolve(id))) {
      Path dir =
          children
              .filter(c -> Files.isRegularFile(c.resolve("entry.json")))
              .findFirst()
              .orElseThrow();
      return JSON.readTree(dir.resolve("entry.json").toFile());
    }
  }

  private static Map<String, String> outputs(JsonNode entry) {
    Map<String, String> files = new TreeMap<>();
    entry
        .path("outputs")
        .forEach(o -> files.put(o.path("file").asText(), o.path("sha256").asText()));
    return files;
  }

  /** Locks, job records and work folders left in the cache. */
  private static List<String> leftovers(Path project) {
    List<String> left = new java.util.ArrayList<>();
    for (String prefix : List.of(".lock-", ".job-", ".work-")) {
      files(project.resolve("results"), prefix).forEach(p -> left.add(p.toString()));
    }
    return left;
  }

  private static List<Path> files(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir, 2)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
