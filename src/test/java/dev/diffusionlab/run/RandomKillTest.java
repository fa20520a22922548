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
import dev.diffusionlab.util.Hashing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a build (a child JVM running cheap experiments) at random moments, many times over, and
 * checks after every kill that whatever the cache serves is complete and right, and that the next
 * build finishes the job. The experiments write their outputs slowly, in pieces, and one of them
 * resumes from per-step state, so kills land in every phase: running, committing, resuming.
 */
class RandomKillTest {
  private static final int ROUNDS = 16;
  private static final String MANIFEST =
      """
      experiments:
        - id: a
          type: pieces
          seed: 1
          params: {files: 4}
        - id: b
          type: pieces
          seed: 2
          params: {files: 3, after: a}
          depends_on: [a]
        - id: c
          type: steps
          seed: 3
          params: {steps: 6}
        - id: d
          type: pieces
          seed: 4
          params: {files: 2, after: c}
          depends_on: [b, c]
      """;

  @TempDir Path project;

  /** Params of the pieces type: how many files, and which dependency's first file to digest. */
  record PiecesParams(int files, String after) {}

  /** Writes {@code files} outputs, each in four slow pieces. */
  static final class Pieces implements ExperimentType<PiecesParams> {
    @Override
    public String name() {
      return "pieces";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<PiecesParams> paramsType() {
      return PiecesParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("files", 1, "after", "");
    }

    @Override
    public void run(PiecesParams p, ExperimentContext ctx) throws Exception {
      String digest =
          p.after().isEmpty()
              ? ""
              : Hashing.sha256(ctx.dependency(p.after()).file(firstFile(p.after())));
      for (int i = 0; i < p.files(); i++) {
        String text = pieceText(ctx.id(), i, ctx.seed(), digest);
        Path out = ctx.output("part" + i + ".txt", OutputKind.DATA, "piece " + i);
        try (OutputStream stream = Files.newOutputStream(out)) {
          for (int q = 0; q < 4; q++) {
            stream.write(
                text.substring(q * text.length() / 4, (q + 1) * text.length() / 4)
                    .getBytes(StandardCharsets.UTF_8));
            stream.flush();
            Thread.sleep(12);
          }
        }
      }
    }
  }

  /** Params of the steps type. */
  record StepsParams(int steps) {}

  /** A resumable run: one state file per finished step (written whole), then a summary output. */
  static final class Steps implements ExperimentType<StepsParams> {
    @Override
    public String name() {
      return "steps";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<StepsParams> paramsType() {
      return StepsParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("steps", 1);
    }

    @Override
    public boolean resumable() {
      return true;
    }

    @Override
    public void run(StepsParams p, ExperimentContext ctx) throws Exception {
      for (int step = 0; step < p.steps(); step++) {
        Path state = ctx.workDir().resolve("step-" + step + ".state");
        if (Files.exists(state)) {
          continue;
        }
        Thread.sleep(40);
        Path tmp = ctx.workDir().resolve("step-" + step + ".tmp");
        Files.writeString(tmp, stepLine(ctx.seed(), step));
        Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE);
      }
      StringBuilder all = new StringBuilder();
      for (int step = 0; step < p.steps(); step++) {
        all.append(Files.readString(ctx.workDir().resolve("step-" + step + ".state")));
      }
      Files.writeString(ctx.output("part0.txt", OutputKind.DATA, "every step"), all);
    }
  }

  static String firstFile(String id) {
    return "part0.txt";
  }

  static String pieceText(String id, int index, long seed, String digest) {
    return (id + ":" + index + ":" + seed + ":" + digest + "\n").repeat(120);
  }

  static String stepLine(long seed, int step) {
    return "step " + step + " of seed " + seed + "\n";
  }

  /** What each experiment's outputs must hold, computed here independently of any run. */
  private static Map<String, Map<String, String>> expected() {
    Map<String, String> a = new java.util.TreeMap<>();
    for (int i = 0; i < 4; i++) {
      a.put("part" + i + ".txt", pieceText("a", i, 1, ""));
    }
    String aDigest = Hashing.sha256(a.get("part0.txt"));
    Map<String, String> b = new java.util.TreeMap<>();
    for (int i = 0; i < 3; i++) {
      b.put("part" + i + ".txt", pieceText("b", i, 2, aDigest));
    }
    StringBuilder steps = new StringBuilder();
    for (int step = 0; step < 6; step++) {
      steps.append(stepLine(3, step));
    }
    Map<String, String> c = Map.of("part0.txt", steps.toString());
    String cDigest = Hashing.sha256(steps.toString());
    Map<String, String> d = new java.util.TreeMap<>();
    for (int i = 0; i < 2; i++) {
      d.put("part" + i + ".txt", pieceText("d", i, 4, cDigest));
    }
    return Map.of("a", a, "b", b, "c", c, "d", d);
  }

  private static Plan plan(Path project) {
    ExperimentTypes types = new ExperimentTypes(List.of(new Pieces(), new Steps()));
    Manifest manifest =
        new ManifestParser(types.names()).parse(project.resolve("content/manifest.yaml"));
    return new Planner(types, project.resolve("content")).plan(manifest, "quick");
  }

  static BuildReport build(Path project) {
    return build(project, plan(project));
  }

  private static BuildReport build(Path project, Plan plan) {
    return new Runner(
            new ResultsStore(project.resolve("results")),
            project.resolve("content"),
            new ConsoleProgress(new PrintStream(OutputStream.nullOutputStream()), false, ""))
        .build(plan, BuildOptions.all());
  }

  /** Entry point of the child build that gets killed; says "ready" once it has a plan. */
  public static void main(String[] args) {
    Path project = Path.of(args[0]);
    Plan plan = plan(project);
    System.out.println("ready");
    System.out.flush();
    build(project, plan);
  }

  @Test
  void noKillEverLeavesAPartialEntryAndTheNextBuildFinishes() throws Exception {
    TestProjects.write(project.resolve("content/manifest.yaml"), MANIFEST);
    Map<String, Map<String, String>> expected = expected();
    Random random = new Random(20261202);
    List<String> history = new ArrayList<>();
    int killedMidway = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int delay = random.nextInt(900);
      boolean finished = killAfter(delay);
      history.add(delay + " ms" + (finished ? " (build had finished)" : ""));
      assertServedEntriesAreComplete(expected, history);
      if (finished) {
        dev.diffusionlab.util.FileTrees.deleteTree(
            project.resolve("results")); // start over to kill again
      } else {
        killedMidway++;
      }
    }
    assertTrue(killedMidway >= ROUNDS / 2, "most kills land during the build: " + history);

    BuildReport last = build(project);
    assertFalse(last.failed(), last.problems().toString());
    assertEquals(4, last.entries().size());
    assertServedEntriesAreComplete(expected, history);
    for (String id : expected.keySet()) {
      assertEquals(expected.get(id).keySet(), files(last.entries().get(id).dir()), id);
    }
  }

  /** Starts a child build, kills it {@code delayMs} after it is up; true if it finished first. */
  private boolean killAfter(int delayMs) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                RandomKillTest.class.getName(),
                project.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertEquals("ready", line, "the child build did not start");
    boolean finished = child.waitFor(delayMs, TimeUnit.MILLISECONDS);
    if (!finished) {
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed build did not end");
    } else {
      assertEquals(0, child.exitValue(), "the child build failed");
    }
    out.close();
    return finished;
  }

  /** Every key folder in results/ is a whole entry whose files hold exactly what they should. */
  private void assertServedEntriesAreComplete(
      Map<String, Map<String, String>> expected, List<String> history) throws IOException {
    Path results = project.resolve("results");
    if (!Files.isDirectory(results)) {
      return;
    }
    Plan plan = plan(project);
    ResultsStore store = new ResultsStore(results);
    for (PlannedExperiment e : plan.experiments()) {
      EntryState state = store.check(e.id(), e.key());
      assertTrue(
          state.condition() == EntryState.Condition.ABSENT
              || state.condition() == EntryState.Condition.COMPLETE,
          e.id() + " is " + state.condition() + " (" + state.reason() + ") after kills " + history);
      if (state.condition() == EntryState.Condition.COMPLETE) {
        Path dir = state.entry().orElseThrow().dir();
        for (Map.Entry<String, String> file : expected.get(e.id()).entrySet()) {
          assertEquals(
              file.getValue(),
              Files.readString(dir.resolve(file.getKey())),
              e.id() + "/" + file.getKey() + " after kills " + history);
        }
      }
    }
    try (Stream<Path> ids = Files.list(results)) {
      for (Path id : ids.filter(Files::isDirectory).toList()) {
        try (Stream<Path> children = Files.list(id)) {
          for (Path child : children.toList()) {
            String name = child.getFileName().toString();
            if (name.matches("[0-9a-f]{16}")) {
              assertTrue(
                  Files.isRegularFile(child.resolve(ResultsStore.ENTRY_FILE)),
                  child + " is an entry folder without entry.json after kills " + history);
            }
          }
        }
      }
    }
  }

  private static java.util.Set<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new java.util.TreeSet<>(
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.equals(ResultsStore.ENTRY_FILE))
              .toList());
    }
  }
}
