package dev.diffusionlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.diffusionlab.TestProjects;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.ExperimentResult.Outcome;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.ProjectPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
  @TempDir Path project;

  private final TestTypes types = new TestTypes();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private static final String CHAIN =
      """
      experiments:
        - id: up
          type: echo
          params: {text: a}
        - id: down
          type: echo
          params: {text: b, inputs: [up]}
          depends_on: [up]
        - id: side
          type: echo
          params: {text: c}
      """;

  private Plan plan(String yaml) {
    Path file = TestProjects.write(project.resolve("content/manifest.yaml"), yaml);
    Manifest manifest = new ManifestParser(types.registry().names()).parse(file);
    return new Planner(types.registry(), project.resolve("content")).plan(manifest, "quick");
  }

  private Runner runner() {
    return new Runner(
        new ResultsStore(project.resolve("results")),
        project.resolve("content"),
        new ConsoleProgress(new PrintStream(console, true, StandardCharsets.UTF_8), false, ""));
  }

  private BuildReport build(String yaml) {
    return runner().build(plan(yaml), BuildOptions.all());
  }

  private static Outcome outcome(BuildReport report, String id) {
    return report.results().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow()
        .outcome();
  }

  private static String detail(BuildReport report, String id) {
    return report.results().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow()
        .detail();
  }

  private String text(BuildReport report, String id) throws IOException {
    return Files.readString(report.entries().get(id).dir().resolve("out.txt"));
  }

  @Test
  void secondBuildRunsNothing() throws IOException {
    BuildReport first = build(CHAIN);
    assertEquals(3, first.count(Outcome.RAN));
    assertEquals("b seed 0 <a seed 0>", text(first, "down"));
    BuildReport second = build(CHAIN);
    assertEquals(3, second.count(Outcome.CACHED));
    assertEquals(1, types.runs("down"));
  }

  @Test
  void changingAnExperimentRerunsItAndDownstreamOnly() throws IOException {
    build(CHAIN);
    BuildReport report = build(CHAIN.replace("{text: a}", "{text: z}"));
    assertEquals(Outcome.RAN, outcome(report, "up"));
    assertEquals(Outcome.RAN, outcome(report, "down"));
    assertEquals(Outcome.CACHED, outcome(report, "side"));
    assertEquals("b seed 0 <z seed 0>", text(report, "down"));
  }

  @Test
  void failedExperimentLeavesNoEntryAndTheRestIsKept() {
    String yaml =
        """
        experiments:
          - id: bad
            type: fail
          - id: after
            type: echo
            params: {inputs: [bad]}
            depends_on: [bad]
          - id: fine
            type: echo
        """;
    BuildReport report = build(yaml);
    assertTrue(report.failed());
    assertEquals(Outcome.FAILED, outcome(report, "bad"));
    assertEquals(
        "failed: boom (details in results/bad/last-error.log)", report.problems().get("bad"));
    assertEquals(Outcome.SKIPPED, outcome(report, "after"));
    assertEquals(Outcome.RAN, outcome(report, "fine"));
    Path badDir = project.resolve("results/bad");
    assertEquals(List.of("last-error.log"), list(badDir), "no entry and no work folder remain");
    assertTrue(console.toString().contains("bad: FAILED: boom"), console.toString());

    BuildReport again = build(yaml);
    assertEquals(2, types.runs("bad"), "a failed experiment is tried again");
    assertEquals(Outcome.CACHED, outcome(again, "fine"));
  }

  @Test
  void unavailableResourceIsNotAFailure() {
    BuildReport report =
        build(
            """
            experiments:
              - id: weights
                type: fail
                params: {message: "absent: no weights here"}
              - id: sample
                type: echo
                depends_on: [weights]
            """);
    assertFalse(report.failed());
    assertEquals(Outcome.UNAVAILABLE, outcome(report, "weights"));
    assertEquals(Outcome.UNAVAILABLE, outcome(report, "sample"));
    assertEquals("absent: no weights here", report.problems().get("sample"));
    assertEquals(List.of(), list(project.resolve("results/weights")), "no entry, no work folder");
  }

  @Test
  void corruptEntryIsDetectedAndRecomputed() throws IOException {
    BuildReport first = build(CHAIN);
    Path out = first.entries().get("side").dir().resolve("out.txt");
    Files.writeString(out, "tampered");
    BuildReport second = build(CHAIN);
    assertEquals(Outcome.RAN, outcome(second, "side"));
    assertEquals("c seed 0", Files.readString(out));

    Files.delete(second.entries().get("up").dir().resolve("entry.json"));
    assertEquals(Outcome.RAN, outcome(build(CHAIN), "up"));
  }

  @Test
  void entryHoldsOnlyRegisteredOutputsAndProvenance() {
    BuildReport report = build(CHAIN);
    CacheEntry entry = report.entries().get("up");
    assertEquals(List.of("entry.json", "out.txt"), list(entry.dir()));
    assertEquals("quick", entry.profile());
    assertEquals("a", entry.json().path("params").path("text").asText());
    assertTrue(entry.json().path("machine").path("cores").asInt() > 0);
    assertTrue(entry.json().has("wallSeconds"));
    assertEquals(entry.key(), entry.json().path("key").asText());
    assertTrue(entry.json().path("commit").isMissingNode(), "no git checkout, no commit");
  }

  @Test
  void entryRecordsTheCommitThreadsAndCpu() throws IOException {
    String commit = "0123456789abcdef0123456789abcdef01234567";
    TestProjects.write(project.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    TestProjects.write(project.resolve(".git/refs/heads/main"), commit + "\n");
    JsonNode json = build(CHAIN).entries().get("up").json();
    assertEquals(commit, json.path("commit").asText());
    // The tests run PyTorch with the thread count the build passes as ai.djl.pytorch.num_threads.
    assertEquals(
        Integer.getInteger("ai.djl.pytorch.num_threads").intValue(),
        json.path("machine").path("threads").asInt());
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown");
    assertEquals(cpu, json.path("machine").path("cpu").asText());
  }

  @Test
  void resumableExperimentContinuesWhereItStopped() throws IOException {
    String yaml =
        "experiments:\n  - id: train\n    type: resumable\n    params: {steps: 4, fail_at: 2}\n";
    BuildReport first = build(yaml);
    assertEquals(Outcome.FAILED, outcome(first, "train"));
    BuildReport second = build(yaml);
    assertEquals(Outcome.RAN, outcome(second, "train"));
    assertEquals("2 3 ", Files.readString(second.entries().get("train").dir().resolve("log.txt")));
  }

  @Test
  void missingCheckpointIsRecomputedOnlyWhenADownstreamRunNeedsIt() throws IOException {
    String yaml =
        """
        experiments:
          - id: model
            type: trainer
          - id: use
            type: echo
            params: {text: u}
            depends_on: [model]
        """;
    BuildReport first = build(yaml);
    Path checkpoint = first.entries().get("model").dir().resolve("model.bin");
    assertEquals("/model.bin\n", Files.readString(checkpoint.resolveSibling(".gitignore")));
    Files.delete(checkpoint); // as in a fresh clone, where checkpoints are not committed

    BuildReport cached = build(yaml);
    assertEquals(2, cached.count(Outcome.CACHED), "figures alone suffice for the report");

    BuildReport changed = build(yaml.replace("text: u", "text: v"));
    assertEquals(Outcome.RAN, outcome(changed, "model"));
    assertEquals(Outcome.RAN, outcome(changed, "use"));
    assertTrue(Files.exists(checkpoint));
  }

  @Test
  void onlyRunsTheSelectionAndItsDependencies() {
    BuildReport report =
        runner().build(plan(CHAIN), new BuildOptions(Set.of("down"), Set.of(), false));
    assertEquals(
        List.of("up", "down"), report.results().stream().map(ExperimentResult::id).toList());
    assertEquals(0, types.runs("side"));
  }

  @Test
  void forceRecomputesACachedExperiment() {
    build(CHAIN);
    BuildReport report =
        runner().build(plan(CHAIN), new BuildOptions(Set.of(), Set.of("side"), false));
    assertEquals(Outcome.RAN, outcome(report, "side"));
    assertEquals(Outcome.CACHED, outcome(report, "up"));
    assertEquals(2, types.runs("side"));
  }

  @Test
  void rejectsUnknownIdsInOptions() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> runner().build(plan(CHAIN), new BuildOptions(Set.of("nope"), Set.of(), false)));
    assertTrue(e.getMessage().contains("--only nope"), e.getMessage());
  }

  @Test
  void dryRunExplainsWhatIsStaleAndRunsNothing() {
    build(CHAIN);
    String changed = CHAIN.replace("{text: a}", "{text: z}");
    BuildReport report = runner().build(plan(changed), new BuildOptions(Set.of(), Set.of(), true));
    assertEquals(1, types.runs("up"));
    assertEquals("stale: params.text \"a\" → \"z\"", detail(report, "up"));
    assertEquals("stale: dependency up changed", detail(report, "down"));
    assertEquals(Outcome.CACHED, outcome(report, "side"));
    assertEquals(2, report.count(Outcome.WOULD_RUN));
  }

  @Test
  void aBuildWaitsForAnEntryAnotherHolderComputesAndRunsItAfter() throws Exception {
    Plan plan = plan(CHAIN);
    PlannedExperiment up = plan.find("up").orElseThrow();
    ResultsStore store = new ResultsStore(project.resolve("results"));
    Path lockFile = EntryLock.fileFor(store.idDir("up"), up.key());
    java.util.concurrent.CompletableFuture<BuildReport> build;
    try (EntryLock held = EntryLock.acquire(lockFile, EntryLock.Timing.DEFAULT)) {
      build =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> runner().build(plan, BuildOptions.all()));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!console.toString(StandardCharsets.UTF_8).contains("up: waiting for host")) {
        assertTrue(System.nanoTime() < deadline, console.toString(StandardCharsets.UTF_8));
        Thread.sleep(20);
      }
      assertEquals(0, types.runs("up"), "nothing runs while another holds the entry");
    }
    BuildReport report = build.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(report.failed());
    assertEquals(1, types.runs("up"));
    assertFalse(Files.exists(lockFile), "the lock is removed after the run");
    assertTrue(
        console.toString(StandardCharsets.UTF_8).contains("pid " + ProcessHandle.current().pid()),
        "the message names the holder");
  }

  @Test
  void gcRemovesEntriesNoProfileReaches() {
    build(CHAIN);
    build(CHAIN.replace("{text: c}", "{text: d}"));
    Path side = project.resolve("results/side");
    assertEquals(2, list(side).size());
    Plan current = plan(CHAIN.replace("{text: c}", "{text: d}"));
    List<Path> removed = runner().gc(List.of(current), false);
    assertEquals(1, removed.size());
    assertEquals(List.of(current.find("side").orElseThrow().key().folder()), list(side));
  }

  @Test
  void keysIgnoreYamlKeyOrderButNotValues() {
    Plan a = plan(CHAIN);
    Plan b =
        plan(
            """
        experiments:
          - params: {inputs: [up], text: b}
            depends_on: [up]
            type: echo
            id: down
          - type: echo
            id: up
            params: {text: a}
          - id: side
            params: {text: c}
            type: echo
        """);
    for (String id : List.of("up", "down", "side")) {
      assertEquals(a.find(id).orElseThrow().key(), b.find(id).orElseThrow().key(), id);
    }
    Plan defaultsWritten = plan(CHAIN.replace("{text: c}", "{text: c, count: 1}"));
    assertEquals(
        a.find("side").orElseThrow().key(), defaultsWritten.find("side").orElseThrow().key());
    Plan seeded = plan(CHAIN.replace("{text: c}", "{text: c}\n    seed: 5"));
    assertNotEquals(a.find("side").orElseThrow().key(), seeded.find("side").orElseThrow().key());
  }

  @Test
  void keysChangeWhenANamedContentFileChanges() {
    TestProjects.write(project.resolve("content/data/in.txt"), "one");
    String yaml = "experiments:\n  - id: e\n    type: echo\n    params: {text: data/in.txt}\n";
    CacheKey before = plan(yaml).find("e").orElseThrow().key();
    TestProjects.write(project.resolve("content/data/in.txt"), "two");
    CacheKey after = plan(yaml).find("e").orElseThrow().key();
    assertNotEquals(before, after);
    assertTrue(after.material().path("inputs").has("data/in.txt"));
  }

  @Test
  void profileOverridesApplyByTypeThenById() {
    String yaml =
        """
        profiles:
          quick:
            types: {echo: {count: 2}}
            ids: {b: {count: 3}}
        experiments:
          - id: a
            type: echo
            params: {count: 9}
          - id: b
            type: echo
        """;
    Plan plan = plan(yaml);
    assertEquals(2, ((TestTypes.EchoParams) plan.find("a").orElseThrow().params()).count());
    assertEquals(3, ((TestTypes.EchoParams) plan.find("b").orElseThrow().params()).count());
  }

  @Test
  void badParamsNameTheFieldAndLine() {
    ManifestException wrongType =
        assertThrows(
            ManifestException.class,
            () ->
                plan("experiments:\n  - id: e\n    type: echo\n    params:\n      count: many\n"));
    assertTrue(wrongType.getMessage().contains("manifest.yaml:5:7"), wrongType.getMessage());
    assertTrue(wrongType.getMessage().contains("params.count"), wrongType.getMessage());
    assertTrue(wrongType.getMessage().contains("expected an integer"), wrongType.getMessage());

    ManifestException unknown =
        assertThrows(
            ManifestException.class,
            () ->
                plan("experiments:\n  - id: e\n    type: echo\n    params:\n      colour: red\n"));
    assertTrue(unknown.getMessage().contains("unknown parameter 'colour'"), unknown.getMessage());
    assertTrue(
        unknown.getMessage().contains("known parameters: count, inputs, text"),
        unknown.getMessage());

    ManifestException invalid =
        assertThrows(
            ManifestException.class,
            () -> plan("experiments:\n  - id: e\n    type: echo\n    params: {count: -1}\n"));
    assertTrue(
        invalid.getMessage().contains("params.count: must not be negative"), invalid.getMessage());
    assertTrue(invalid.getMessage().contains("manifest.yaml:4:"), invalid.getMessage());

    ManifestException fraction =
        assertThrows(
            ManifestException.class,
            () -> plan("experiments:\n  - id: e\n    type: echo\n    params: {count: 1.5}\n"));
    assertTrue(fraction.getMessage().contains("params.count"), fraction.getMessage());

    ManifestException profile =
        assertThrows(
            ManifestException.class,
            () -> {
              Path file = TestProjects.write(project.resolve("content/manifest.yaml"), CHAIN);
              Manifest manifest = new ManifestParser(types.registry().names()).parse(file);
              new Planner(types.registry(), project.resolve("content")).plan(manifest, "fast");
            });
    assertTrue(profile.getMessage().contains("unknown profile 'fast'"), profile.getMessage());
  }

  @Test
  void failureIsPublishedAsAShortReasonAndTheDetailStaysInTheLocalLog() throws IOException {
    String secret = "/home/someone/private/weights.pth";
    String yaml =
        """
        experiments:
          - id: bad
            type: fail
            params:
              message: "cannot parse %s at byte 12, the header is not what it should be\\n{\\"token\\": \\"s3cr3t\\"}"
        """
            .formatted(secret);
    BuildReport report = build(yaml);
    String published = report.problems().get("bad");
    assertTrue(published.startsWith("failed: cannot parse weights.pth at byte 12"), published);
    assertFalse(published.contains("/home/someone"), published);
    assertFalse(published.contains("s3cr3t"), published);
    assertTrue(published.length() <= 180, published);
    assertTrue(published.endsWith("(details in results/bad/last-error.log)"), published);
    String log = Files.readString(project.resolve("results/bad/last-error.log"));
    assertTrue(log.contains(secret) && log.contains("s3cr3t"), log);
  }

  @Test
  void errorLogIsRemovedByALaterSuccess() {
    String yaml =
        "experiments:\n  - id: train\n    type: resumable\n    params: {steps: 4, fail_at: 2}\n";
    Path log = project.resolve("results/train/last-error.log");
    assertEquals(Outcome.FAILED, outcome(build(yaml), "train"));
    assertTrue(Files.exists(log));
    assertEquals(Outcome.RAN, outcome(build(yaml), "train"));
    assertFalse(Files.exists(log), "the log of a failure that no longer holds");
  }

  @Test
  void sameSizeCorruptionOfACheckpointIsDetectedAndRecomputed() throws IOException {
    String yaml =
        """
        experiments:
          - id: model
            type: trainer
          - id: use
            type: echo
            depends_on: [model]
        """;
    BuildReport first = build(yaml);
    Path checkpoint = first.entries().get("model").dir().resolve("model.bin");
    Files.writeString(checkpoint, "x"); // was "w": same size, other bytes

    PlannedExperiment model = plan(yaml).find("model").orElseThrow();
    EntryState state = new ResultsStore(project.resolve("results")).check("model", model.key());
    assertEquals(EntryState.Condition.CORRUPT, state.condition());
    assertTrue(state.reason().contains("model.bin does not match its checksum"), state.reason());

    BuildReport second = build(yaml);
    assertEquals(Outcome.RAN, outcome(second, "model"));
    assertEquals(2, types.runs("model"));
    assertEquals("w", Files.readString(checkpoint));
  }

  @Test
  void gcDryRunListsExactlyWhatGcRemoves() throws IOException {
    String changed = CHAIN.replace("{text: c}", "{text: d}");
    build(CHAIN);
    build(changed); // leaves the old entry of side
    Path results = project.resolve("results");
    Files.createDirectories(results.resolve("gone/0123456789abcdef"));
    TestProjects.write(results.resolve("gone/last-error.log"), "an id the manifest lost");
    Files.createDirectories(results.resolve("empty"));
    Files.createDirectories(results.resolve("up/.work-fedcba9876543210"));
    TestProjects.write(results.resolve("up/0000000000000000"), "a file, not an entry");
    Plan current = plan(changed);
    Set<Path> before = tree(results);

    List<Path> listed = runner().gc(List.of(current), true);
    assertEquals(before, tree(results), "a dry run removes nothing");
    List<Path> removed = runner().gc(List.of(current), false);
    assertEquals(listed, removed);

    Set<Path> after = tree(results);
    for (Path path : before) {
      if (!after.contains(path)) {
        assertTrue(listed.stream().anyMatch(path::startsWith), path + " removed but not listed");
      }
    }
    for (Path path : listed) {
      assertFalse(Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS), path + " listed");
    }
    assertEquals(4, listed.size(), listed.toString());
    assertTrue(Files.exists(results.resolve("up/0000000000000000")), "not the store's");
    String sideKey = current.find("side").orElseThrow().key().folder();
    assertEquals(List.of(sideKey), list(results.resolve("side")), "the current entry stays");
  }

  @Test
  void gcKeepsAWorkFolderThatIsBeingComputedAndRemovesTheLogsOfAGoneId() throws IOException {
    build(CHAIN);
    Path results = project.resolve("results");
    Path work = results.resolve("up/.work-fedcba9876543210");
    Files.createDirectories(work);
    TestProjects.write(results.resolve("gone/.slurm-17.log"), "a job's log");
    try (EntryLock held =
        EntryLock.acquire(results.resolve("up/.lock-fedcba9876543210"), EntryLock.Timing.DEFAULT)) {
      assertEquals(List.of(results.resolve("gone")), runner().gc(List.of(plan(CHAIN)), false));
      assertTrue(Files.isDirectory(work), "a live holder computes in it");
    }
    assertEquals(List.of(work), runner().gc(List.of(plan(CHAIN)), false), "abandoned now");
  }

  @Test
  void gcNeverFollowsALinkOutOfTheCache(@TempDir Path outside) throws IOException {
    build(CHAIN);
    for (String name : List.of("0123456789abcdef", ".work-0123456789abcdef", ".trash-1")) {
      Files.createDirectories(outside.resolve(name));
    }
    Files.createSymbolicLink(project.resolve("results/evil"), outside);
    Plan plan = plan(CHAIN);
    for (boolean dryRun : List.of(true, false)) {
      ProjectPaths.EscapeException e =
          assertThrows(
              ProjectPaths.EscapeException.class, () -> runner().gc(List.of(plan), dryRun));
      assertTrue(e.getMessage().contains("results/evil is a symbolic link"), e.getMessage());
    }
    assertEquals(3, list(outside).size(), "nothing outside results/ is removed");
  }

  @Test
  void buildNeverWritesThroughALinkedExperimentFolder(@TempDir Path outside) throws IOException {
    Files.createDirectories(project.resolve("results"));
    Files.createSymbolicLink(project.resolve("results/up"), outside);
    Plan plan = plan(CHAIN);
    ProjectPaths.EscapeException e =
        assertThrows(
            ProjectPaths.EscapeException.class, () -> runner().build(plan, BuildOptions.all()));
    assertTrue(e.getMessage().contains("results/up is a symbolic link"), e.getMessage());
    assertEquals(List.of(), list(outside));
    assertEquals(0, types.runs("side"), "found before anything runs");
  }

  @Test
  void contentFileNamedThroughALinkOutOfContentIsBadInput(@TempDir Path outside)
      throws IOException {
    TestProjects.write(outside.resolve("secret.txt"), "secret");
    TestProjects.write(project.resolve("content/data/own.txt"), "own");
    Files.createSymbolicLink(project.resolve("content/images"), outside);
    Files.createSymbolicLink(
        project.resolve("content/alias.txt"), project.resolve("content/data/own.txt"));
    ManifestException e =
        assertThrows(
            ManifestException.class,
            () ->
                plan(
                    "experiments:\n  - id: e\n    type: echo\n"
                        + "    params: {text: images/secret.txt}\n"));
    assertTrue(e.getMessage().contains("params.text"), e.getMessage());
    assertTrue(e.getMessage().contains("leads out of"), e.getMessage());

    Plan inside = plan("experiments:\n  - id: e\n    type: echo\n    params: {text: alias.txt}\n");
    assertEquals(
        Hashing.sha256("own"),
        inside.find("e").orElseThrow().key().material().path("inputs").path("alias.txt").asText(),
        "a link that stays inside content/ is an input like any file");
  }

  @Test
  void keysCoverInputFilesOutsideContent(@TempDir Path outside) throws IOException {
    Path unet = outside.resolve("unet");
    TestProjects.write(unet.resolve("config.json"), "{}");
    Path weights = TestProjects.write(unet.resolve("weights.bin"), "aaaa");
    String yaml =
        "experiments:\n  - id: e\n    type: external\n    params: {weights: '" + unet + "'}\n";
    Path manifest = TestProjects.write(project.resolve("content/manifest.yaml"), yaml);
    Planner planner =
        new Planner(
            types.registry(),
            project.resolve("content"),
            new InputHashes(outside.resolve("i.json")));
    Manifest parsed = new ManifestParser(types.registry().names()).parse(manifest);
    CacheKey before = planner.plan(parsed, "quick").find("e").orElseThrow().key();
    assertEquals(
        Hashing.sha256("aaaa"),
        before.material().path("inputs").path("external:weights/weights.bin").asText());

    Files.writeString(weights, "bbbb");
    Files.setLastModifiedTime(
        weights,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(weights).toMillis() + 5000));
    CacheKey after = planner.plan(parsed, "quick").find("e").orElseThrow().key();
    assertNotEquals(before, after, "new weights rerun the experiment");
  }

  @Test
  void externalHashesAreRememberedByPathSizeAndModificationTime(@TempDir Path dir)
      throws IOException {
    Path file = TestProjects.write(dir.resolve("weights.bin"), "aaaa");
    java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(file);
    Path index = dir.resolve("cache/input-hashes.json");
    assertEquals(Map.of("w", Hashing.sha256("aaaa")), new InputHashes(index).hashes("w", file));

    Files.writeString(file, "bbbb");
    Files.setLastModifiedTime(file, written);
    assertEquals(
        Map.of("w", Hashing.sha256("aaaa")),
        new InputHashes(index).hashes("w", file),
        "same path, size and time: the remembered hash, not a new read");
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.fromMillis(written.toMillis() + 5000));
    assertEquals(Map.of("w", Hashing.sha256("bbbb")), new InputHashes(index).hashes("w", file));
  }

  private static Set<Path> tree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.collect(java.util.stream.Collectors.toSet());
    }
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
