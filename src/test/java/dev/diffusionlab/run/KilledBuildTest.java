package dev.diffusionlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build killed while an experiment writes its outputs leaves no entry behind, and its lock is
 * taken over by the next build.
 */
class KilledBuildTest {
  private static final String MANIFEST = "experiments:\n  - id: slow\n    type: slow\n";

  @TempDir Path project;

  /** Writes half its output, then (in the child process) waits to be killed. */
  record SlowParams(int size) {}

  static final class Slow implements ExperimentType<SlowParams> {
    @Override
    public String name() {
      return "slow";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<SlowParams> paramsType() {
      return SlowParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("size", 1000);
    }

    @Override
    public void run(SlowParams p, ExperimentContext ctx) throws Exception {
      Path out = ctx.output("data.txt", OutputKind.DATA, "data");
      Files.writeString(out, "x".repeat(p.size() / 2));
      if (Boolean.getBoolean("slow.wait")) {
        Files.writeString(ctx.workDir().resolve("started"), "");
        Thread.sleep(60_000);
      }
      Files.writeString(out, "x".repeat(p.size()));
    }
  }

  static BuildReport build(Path project) {
    ExperimentTypes types = new ExperimentTypes(List.of(new Slow()));
    Manifest manifest =
        new ManifestParser(types.names()).parse(project.resolve("content/manifest.yaml"));
    Plan plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    return new Runner(
            new ResultsStore(project.resolve("results")),
            project.resolve("content"),
            new ConsoleProgress(quiet, false, ""))
        .build(plan, BuildOptions.all());
  }

  /** Entry point of the child process that gets killed. */
  public static void main(String[] args) {
    build(Path.of(args[0]));
  }

  @Test
  void killedRunLeavesNoEntryAndTheNextBuildRecomputes() throws Exception {
    TestProjects.write(project.resolve("content/manifest.yaml"), MANIFEST);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslow.wait=true",
                "-cp",
                System.getProperty("java.class.path"),
                KilledBuildTest.class.getName(),
                project.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Path slowDir = project.resolve("results/slow");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!startedMarkerExists(slowDir)) {
      assertTrue(child.isAlive(), "the child build ended before it was killed");
      assertTrue(System.nanoTime() < deadline, "the child build never started the experiment");
      Thread.sleep(50);
    }
    child.destroyForcibly().waitFor();

    List<String> left = names(slowDir);
    assertEquals(2, left.size(), left.toString());
    assertTrue(left.get(0).startsWith(".lock-"), "the dead build's lock is left: " + left);
    assertTrue(left.get(1).startsWith(".work-"), "and its work folder, no entry: " + left);

    BuildReport report = build(project);
    assertEquals(ExperimentResult.Outcome.RAN, report.results().get(0).outcome());
    CacheEntry entry = report.entries().get("slow");
    assertEquals(1000, Files.size(entry.dir().resolve("data.txt")));
    assertFalse(names(slowDir).stream().anyMatch(n -> n.startsWith(".work-")));
    assertFalse(
        names(slowDir).stream().anyMatch(n -> n.startsWith(".lock-")),
        "the lock of the killed build (a dead process on this host) was taken over and released");
  }

  private static boolean startedMarkerExists(Path slowDir) throws IOException {
    if (!Files.isDirectory(slowDir)) {
      return false;
    }
    try (Stream<Path> dirs = Files.list(slowDir)) {
      return dirs.anyMatch(d -> Files.exists(d.resolve("started")));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("last-error.log"))
          .sorted()
          .toList();
    }
  }
}
