package dev.diffusionlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.BuildOptions;
import dev.diffusionlab.run.BuildReport;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.ConsoleProgress;
import dev.diffusionlab.run.EntryState;
import dev.diffusionlab.run.OutputRecord;
import dev.diffusionlab.run.Plan;
import dev.diffusionlab.run.PlannedExperiment;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.run.ResultsStore;
import dev.diffusionlab.run.Runner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each type declares it writes is what its runs actually wrote. */
class DeclaredOutputsTest {
  private final ExperimentTypes types = ExperimentTypes.standard();

  @Test
  void cheapTypesWriteExactlyWhatTheyDeclare(@TempDir Path project) {
    TestProjects.copyImage(project, "cat.png");
    Path file =
        TestProjects.write(
            project.resolve("content/manifest.yaml"),
            """
            experiments:
              - id: forward
                type: forward-process
                params: {image: images/cat.png, size: 16, timesteps: [10, 500, 990]}
              - id: blur
                type: blur-denoise
                params: {source: forward, kernel_size: 3}
                depends_on: [forward]
            """);
    Manifest manifest = new ManifestParser(types.names()).parse(file);
    Plan plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
    ResultsStore store = new ResultsStore(project.resolve("results"));
    BuildReport report =
        new Runner(
                store,
                project.resolve("content"),
                new ConsoleProgress(new PrintStream(new ByteArrayOutputStream()), false, ""))
            .build(plan, BuildOptions.all());
    assertFalse(report.failed(), report.problems().toString());
    for (PlannedExperiment e : plan.experiments()) {
      assertMatches(e, report.entries().get(e.id()));
    }
    assertEquals(
        List.of(
            "original.npy",
            "original.png",
            "noisy-t10.npy",
            "noisy-t10.png",
            "noisy-t500.npy",
            "noisy-t500.png",
            "noisy-t990.npy",
            "noisy-t990.png",
            "forward.png"),
        plan.find("forward").orElseThrow().declaredOutputs().stream()
            .map(DeclaredOutput::name)
            .toList(),
        "one noisy image per t, as the manifest asks");
  }

  /** The committed cache holds real runs of every type: each must match its declaration. */
  @Test
  void everyCommittedEntryMatchesItsTypesDeclaration() {
    Path project = Path.of("").toAbsolutePath();
    Manifest manifest =
        new ManifestParser(types.names()).parse(project.resolve("content/manifest.yaml"));
    Plan plan = new Planner(types, project.resolve("content")).plan(manifest, "quick");
    ResultsStore store = new ResultsStore(project.resolve("results"));
    List<String> checked = new ArrayList<>();
    for (PlannedExperiment e : plan.experiments()) {
      EntryState state = store.check(e.id(), e.key());
      if (state.usableForReport()) {
        assertMatches(e, state.entry().orElseThrow());
        checked.add(e.type().name());
      }
    }
    for (ExperimentType<?> type : types.all()) {
      assertTrue(checked.contains(type.name()), "a committed entry of " + type.name());
    }
  }

  @Test
  void everyStandardTypeHasASummaryAndDescribesEveryParam() {
    for (ExperimentType<?> type : types.all()) {
      assertFalse(type.summary().isBlank(), type.name());
      for (ParamDocs.Doc doc : ParamDocs.of(type)) {
        assertFalse(doc.meaning().isBlank(), type.name() + " " + doc.name());
      }
      assertTrue(
          ParamDocs.componentsByName(type.paramsType())
              .keySet()
              .containsAll(type.defaults().keySet()),
          type.name() + ": defaults only for its params");
    }
  }

  /** Every written file is declared (with its kind), and every plain declared name is written. */
  private static void assertMatches(PlannedExperiment e, CacheEntry entry) {
    List<DeclaredOutput> declared = e.declaredOutputs();
    assertFalse(declared.isEmpty(), e.id());
    Map<String, Integer> patternUses = new TreeMap<>();
    for (OutputRecord written : entry.outputs()) {
      DeclaredOutput match =
          declared.stream()
              .filter(d -> d.matches(written.file()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(e.id() + " wrote undeclared " + written.file()));
      assertEquals(match.kind(), written.kind(), e.id() + " " + written.file());
      patternUses.merge(match.name(), 1, Integer::sum);
    }
    for (DeclaredOutput d : declared) {
      assertTrue(
          patternUses.containsKey(d.name()), e.id() + " declares " + d.name() + " but wrote none");
    }
  }
}
