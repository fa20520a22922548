package dev.diffusionlab.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code profiles.<p>.resources}: per type and per id, inherited, and checked with file/line. */
class ManifestResourcesTest {
  @TempDir Path dir;

  private final ManifestParser parser = new ManifestParser(List.of("alpha", "beta"));

  private Manifest parse(String yaml) {
    return parser.parse(TestProjects.write(dir.resolve("manifest.yaml"), yaml));
  }

  private ManifestException fails(String yaml) {
    Path file = TestProjects.write(dir.resolve("manifest.yaml"), yaml);
    return assertThrows(ManifestException.class, () -> parser.parse(file));
  }

  @Test
  void idResourcesWinOverTypeResourcesFieldByFieldAndProfilesInherit() {
    Manifest manifest =
        parse(
            """
        profiles:
          course:
            resources:
              types:
                alpha: {gpus: 1, time: "02:00:00", partition: gpu}
              ids:
                a2: {time: 30, mem: 16G}
          big:
            extends: course
            resources:
              types:
                alpha: {gpus: 4}
        experiments:
          - id: a1
            type: alpha
          - id: a2
            type: alpha
          - id: b
            type: beta
        """);
    Resources course = manifest.profile("course").orElseThrow().resources();
    assertEquals(
        List.of("--gpus=1", "--time=02:00:00", "--partition=gpu"),
        course.of("alpha", "a1").sbatchOptions());
    assertEquals(
        List.of("--gpus=1", "--mem=16G", "--time=30", "--partition=gpu"),
        course.of("alpha", "a2").sbatchOptions());
    assertEquals(List.of(), course.of("beta", "b").sbatchOptions());
    Resources big = manifest.profile("big").orElseThrow().resources();
    assertEquals(
        List.of("--gpus=4", "--mem=16G", "--time=30", "--partition=gpu"),
        big.of("alpha", "a2").sbatchOptions());
    assertEquals(
        List.of(),
        manifest.profile("quick").orElseThrow().resources().byType().keySet().stream().toList());
  }

  @Test
  void badResourcesAreReportedAllAtOnceWithLineAndField() {
    ManifestException e =
        fails(
            """
        profiles:
          course:
            resources:
              types:
                alpha: {gpus: -1, cpus: 0, mem: lots, time: "2 hours", partition: "a b"}
                gamma: {gpus: 1}
              ids:
                ghost: {gpus: 1}
                a: {gpu: 1}
              nodes: {}
        experiments:
          - id: a
            type: alpha
        """);
    List<String> problems = e.problems().stream().map(Object::toString).toList();
    String file = dir.resolve("manifest.yaml").toString();
    assertTrue(
        problems.contains(
            file
                + ":5:17: profiles.course.resources.types.alpha.gpus: expected an integer from 0"
                + " to 64, got number -1"),
        problems.toString());
    assertTrue(
        has(problems, ":5:", "types.alpha.cpus: expected an integer from 1 to 1024"),
        problems.toString());
    assertTrue(
        has(problems, ":5:", "types.alpha.mem: expected a size such as 16G"), problems.toString());
    assertTrue(
        has(problems, ":5:", "types.alpha.time: expected a time limit"), problems.toString());
    assertTrue(
        has(problems, ":5:", "types.alpha.partition: expected a partition name"),
        problems.toString());
    assertTrue(
        has(problems, ":9:", "ids.a.gpu: unknown key 'gpu'; did you mean 'gpus'?"),
        problems.toString());
    assertTrue(has(problems, ":10:", "resources.nodes: unknown key 'nodes'"), problems.toString());
    // Targets are checked once the structure is valid; here it is not, so see the next test.
    assertEquals(7, problems.size(), problems.toString());
  }

  @Test
  void resourcesForUnknownTypesAndIdsAreErrors() {
    ManifestException e =
        fails(
            """
        profiles:
          course:
            resources:
              types: {gamma: {gpus: 1}}
              ids: {ghost: {gpus: 1}}
        experiments:
          - id: a
            type: alpha
        """);
    List<String> problems = e.problems().stream().map(Object::toString).toList();
    assertTrue(
        has(problems, ":4:", "profiles.course.resources.types.gamma: unknown experiment type"),
        problems.toString());
    assertTrue(
        has(problems, ":5:", "profiles.course.resources.ids.ghost: no experiment has id 'ghost'"),
        problems.toString());
    assertEquals(2, problems.size(), problems.toString());
  }

  private static boolean has(List<String> problems, String line, String text) {
    return problems.stream().anyMatch(p -> p.contains(line) && p.contains(text));
  }
}
