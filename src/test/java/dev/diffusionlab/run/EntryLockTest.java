package dev.diffusionlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.util.Machine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-entry locks between processes: exclusion, heartbeat, stale takeover, one computation. */
class EntryLockTest {
  private static final EntryLock.Timing FAST =
      new EntryLock.Timing(Duration.ofMillis(100), Duration.ofSeconds(2));
  private static final String MANIFEST = "experiments:\n  - id: gated\n    type: gated\n";
  private static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir Path dir;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly().waitFor();
    }
  }

  /** Params of the gated type. */
  record GatedParams(int size) {}

  /** Waits (in the child process) until a file named "go" appears beside results/, then writes. */
  static final class Gated implements ExperimentType<GatedParams> {
    @Override
    public String name() {
      return "gated";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<GatedParams> paramsType() {
      return GatedParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("size", 3);
    }

    @Override
    public void run(GatedParams p, ExperimentContext ctx) throws Exception {
      RUNS.incrementAndGet();
      String gate = System.getProperty("gate");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (gate != null && !Files.exists(Path.of(gate)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Files.writeString(ctx.output("out.txt", OutputKind.TABLE, "x"), "x".repeat(p.size()));
    }
  }

  static BuildReport build(Path project, PrintStream console) {
    ExperimentTypes types = new ExperimentTypes(List.of(new Gated()));
    Manifest manifest =
        new ManifestParser(types.names()).parse(project.resolve("content/manifest.yaml"));
    Plan plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
    ResultsStore store = new ResultsStore(project.resolve("results"));
    return new Runner(
            store,
            new LocalExecutor(
                store, project.resolve("content"), new ConsoleProgress(console, false, ""), FAST))
        .build(plan, BuildOptions.all());
  }

  /**
   * Entry point of the child process: {@code build PROJECT} builds; {@code hold FILE} takes a lock
   * and sleeps.
   */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("hold")) {
      try (EntryLock lock = EntryLock.acquire(Path.of(args[1]), FAST)) {
        Files.writeString(Path.of(args[1] + ".taken"), "");
        Thread.sleep(60_000);
      }
    } else {
      build(Path.of(args[1]), System.out);
    }
  }

  private Process startChild(String... args) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgate=" + dir.resolve("go"),
                "-cp",
                System.getProperty("java.class.path"),
                EntryLockTest.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void awaitFile(Path file, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      assertTrue(process.isAlive(), "the child process ended early");
      assertTrue(System.nanoTime() < deadline, "never appeared: " + file);
      Thread.sleep(20);
    }
  }

  @Test
  void aLockHeldByAnotherProcessIsRefusedWithItsHolderAndTakenOverWhenItDies() throws Exception {
    Path lock = dir.resolve("results/x/.lock-0123456789abcdef");
    child = startChild("hold", lock.toString());
    awaitFile(Path.of(lock + ".taken"), child);

    EntryLock.HeldException held =
        assertThrows(EntryLock.HeldException.class, () -> EntryLock.acquire(lock, FAST));
    assertEquals(child.pid(), held.holder().pid());
    assertEquals(Machine.hostName(), held.holder().host());
    assertTrue(
        held.getMessage().startsWith("x is being computed by host " + Machine.hostName()),
        held.getMessage());
    assertTrue(held.getMessage().contains("pid " + child.pid()), held.getMessage());
    assertTrue(held.getMessage().endsWith("its lock file is " + lock), held.getMessage());

    child.destroyForcibly().waitFor(); // killed: its lock file stays behind
    assertTrue(Files.exists(lock));
    try (EntryLock mine = EntryLock.acquire(lock, FAST)) {
      assertEquals(ProcessHandle.current().pid(), EntryLock.holder(lock).orElseThrow().pid());
    }
    assertFalse(Files.exists(lock), "closing removes the lock file");
  }

  @Test
  void aLockOfAnotherHostIsTakenOverOnlyAfterItsHeartbeatStops() throws IOException {
    Path lock = dir.resolve("results/x/.lock-0123456789abcdef");
    TestProjects.write(lock, "{\"host\":\"node-elsewhere\",\"pid\":1,\"job\":\"42\"}");
    EntryLock.HeldException held =
        assertThrows(EntryLock.HeldException.class, () -> EntryLock.acquire(lock, FAST));
    assertTrue(
        held.getMessage().contains("host node-elsewhere, pid 1 (Slurm job 42), heartbeat 0 s ago"),
        held.getMessage());

    // 3 s without a heartbeat, with 2 s allowed: abandoned.
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(3)));
    try (EntryLock mine = EntryLock.acquire(lock, FAST)) {
      assertEquals(Machine.hostName(), EntryLock.holder(lock).orElseThrow().host());
    }
  }

  @Test
  void aLinkInPlaceOfALockIsNeverReadThroughAndIsReplaced(@TempDir Path outside)
      throws IOException {
    String text = "{\"host\":\"secret-host\",\"pid\":1}";
    Path secret = TestProjects.write(outside.resolve("secret"), text);
    Path lock = dir.resolve("results/x/.lock-0123456789abcdef");
    Files.createDirectories(lock.getParent());
    Files.createSymbolicLink(lock, secret);
    assertEquals("(a symbolic link)", EntryLock.holder(lock).orElseThrow().host());
    try (EntryLock mine = EntryLock.acquire(lock, FAST)) {
      assertFalse(Files.isSymbolicLink(lock));
      assertEquals(Machine.hostName(), EntryLock.holder(lock).orElseThrow().host());
    }
    assertEquals(text, Files.readString(secret), "the link's target is untouched");
  }

  @Test
  void theHolderRefreshesItsHeartbeat() throws Exception {
    Path lock = dir.resolve("results/x/.lock-0123456789abcdef");
    try (EntryLock mine = EntryLock.acquire(lock, FAST)) {
      Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(30)));
      Thread.sleep(400); // four heartbeats of 100 ms
      Duration age = EntryLock.holder(lock).orElseThrow().age();
      assertTrue(age.compareTo(Duration.ofSeconds(2)) < 0, "heartbeat " + age + " ago");
      assertFalse(EntryLock.isStale(EntryLock.holder(lock).orElseThrow(), FAST));
    }
  }

  @Test
  void twoBuildsOfOneCacheComputeAnEntryOnce() throws Exception {
    TestProjects.write(dir.resolve("content/manifest.yaml"), MANIFEST);
    child = startChild("build", dir.toString());
    Path idDir = dir.resolve("results/gated");
    awaitLock(idDir, child);

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    RUNS.set(0);
    CompletableFuture<BuildReport> second = CompletableFuture.supplyAsync(() -> build(dir, out));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!console.toString(StandardCharsets.UTF_8).contains("gated: waiting for host")) {
      assertTrue(System.nanoTime() < deadline, console.toString(StandardCharsets.UTF_8));
      Thread.sleep(20);
    }
    assertTrue(
        console.toString(StandardCharsets.UTF_8).contains("pid " + child.pid()),
        console.toString(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("go"), "");
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue());

    BuildReport report = second.get(60, TimeUnit.SECONDS);
    ExperimentResult result = report.results().get(0);
    assertEquals(Outcome.CACHED, result.outcome());
    assertEquals("computed by another build", result.detail());
    assertEquals(0, RUNS.get(), "the second build never ran the experiment");
    assertEquals("xxx", Files.readString(result.entry().orElseThrow().dir().resolve("out.txt")));
  }

  private static void awaitLock(Path idDir, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (Files.isDirectory(idDir)) {
        try (var files = Files.list(idDir)) {
          if (files.anyMatch(f -> f.getFileName().toString().startsWith(EntryLock.PREFIX))) {
            return;
          }
        }
      }
      assertTrue(process.isAlive(), "the child build ended early");
      assertTrue(System.nanoTime() < deadline, "the child build never took its lock");
      Thread.sleep(20);
    }
  }
}
