package dev.diffusionlab.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestParserTest {
  @TempDir Path dir;

  private final ManifestParser parser = new ManifestParser(List.of("alpha", "beta"));

  private ManifestException fails(String yaml) {
    Path file = TestProjects.write(dir.resolve("manifest.yaml"), yaml);
    return assertThrows(ManifestException.class, () -> parser.parse(file));
  }

  private static ManifestProblem only(ManifestException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void parsesExperimentsProfilesAndDefaults() {
    Path file =
        TestProjects.write(
            dir.resolve("manifest.yaml"),
            """
        title: T
        profiles:
          quick:
            types: {alpha: {n: 1}}
            ids: {b: {n: 2}}
        experiments:
          - id: a
            type: alpha
          - id: b
            type: beta
            seed: 7
            params: {n: 3}
            depends_on: [a]
        """);
    Manifest manifest = parser.parse(file);
    assertEquals("T", manifest.title());
    assertEquals(2, manifest.experiments().size());
    ExperimentSpec b = manifest.experiment("b").orElseThrow();
    assertEquals(7, b.seed());
    assertEquals(List.of("a"), b.dependsOn());
    assertEquals(3, b.params().get("n").asInt());
    assertEquals(0, manifest.experiment("a").orElseThrow().seed());
    assertTrue(manifest.profile("course").isPresent(), "built-in profile");
    assertEquals(2, manifest.profile("quick").orElseThrow().byId().get("b").get("n").asInt());
  }

  @Test
  void reportsMalformedYamlWithItsLine() {
    ManifestProblem p = only(fails("experiments:\n  - id: a\n    type: [alpha\n"));
    assertTrue(p.message().startsWith("malformed YAML"), p.toString());
    assertTrue(p.location().line() >= 3, p.toString());
  }

  @Test
  void rejectsUnknownKeysNamingTheField() {
    ManifestProblem p = only(fails("experiments:\n  - id: a\n    type: alpha\n    sede: 3\n"));
    assertEquals(4, p.location().line());
    assertEquals("experiments[0].sede", p.field());
    assertTrue(p.message().contains("unknown key 'sede'"), p.message());
  }

  @Test
  void rejectsWrongValueTypes() {
    ManifestProblem p = only(fails("experiments:\n  - id: a\n    type: alpha\n    seed: lots\n"));
    assertEquals("experiments[0].seed", p.field());
    assertEquals(4, p.location().line());
    assertTrue(p.message().contains("expected an integer seed"), p.message());
  }

  @Test
  void rejectsUnknownTypeListingValidOnes() {
    ManifestProblem p = only(fails("experiments:\n  - id: a\n    type: gamma\n"));
    assertEquals("experiments[0].type", p.field());
    assertEquals(3, p.location().line());
    assertTrue(p.message().contains("valid types: alpha, beta"), p.message());
  }

  @Test
  void rejectsDuplicateIds() {
    ManifestProblem p =
        only(fails("experiments:\n  - id: a\n    type: alpha\n  - id: a\n    type: beta\n"));
    assertEquals(4, p.location().line());
    assertTrue(p.message().contains("duplicate id 'a'"), p.message());
    assertTrue(p.message().contains(":2:"), "names the first definition: " + p.message());
  }

  @Test
  void rejectsManifestWithCycle() {
    ManifestProblem p =
        only(
            fails(
                """
        experiments:
          - id: a
            type: alpha
            depends_on: [c]
          - id: b
            type: alpha
            depends_on: [a]
          - id: c
            type: alpha
            depends_on: [b]
        """));
    assertTrue(p.message().contains("dependency cycle: a -> c -> b -> a"), p.message());
    assertEquals(4, p.location().line());
  }

  @Test
  void rejectsDanglingDependency() {
    ManifestProblem p =
        only(fails("experiments:\n  - id: a\n    type: alpha\n    depends_on: [nothere]\n"));
    assertEquals("experiments[0].depends_on[0]", p.field());
    assertTrue(p.message().contains("'nothere'"), p.message());
  }

  @Test
  void rejectsIdsThatAreNotSimpleNames() {
    for (String id : List.of("../x", "A", "a/b", "a b", "-a", "a--b", "")) {
      ManifestException e = fails("experiments:\n  - id: '" + id + "'\n    type: alpha\n");
      assertTrue(e.getMessage().contains("not a simple name"), id + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("manifest.yaml:2:"), e.getMessage());
    }
  }

  @Test
  void rejectsDuplicateYamlKeys() {
    ManifestProblem p = only(fails("experiments:\n  - id: a\n    type: alpha\n    type: beta\n"));
    assertTrue(p.message().contains("Duplicate field 'type'"), p.message());
  }

  @Test
  void rejectsProfileOverridesForUnknownIdsAndTypes() {
    ManifestException e =
        fails(
            """
        profiles:
          quick:
            ids: {ghost: {n: 1}}
            types: {gamma: {n: 1}}
        experiments:
          - id: a
            type: alpha
        """);
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("no experiment has id 'ghost'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown experiment type 'gamma'"), e.getMessage());
  }

  @Test
  void profilesExtendOthersWithTheirOwnOverridesWinning() {
    Path file =
        TestProjects.write(
            dir.resolve("manifest.yaml"),
            """
        profiles:
          quick:
            types: {alpha: {n: 1, m: 1}}
            ids: {b: {k: 4}}
          small:
            extends: quick
            types: {alpha: {m: 2}}
          tiny:
            extends: small
            ids: {b: {j: 5}}
        experiments:
          - id: a
            type: alpha
          - id: b
            type: beta
        """);
    Manifest manifest = parser.parse(file);
    Profile tiny = manifest.profile("tiny").orElseThrow();
    assertEquals(1, tiny.byType().get("alpha").get("n").asInt(), "inherited from quick");
    assertEquals(2, tiny.byType().get("alpha").get("m").asInt(), "small overrides quick");
    assertEquals(4, tiny.byId().get("b").get("k").asInt());
    assertEquals(5, tiny.byId().get("b").get("j").asInt());
    Profile quick = manifest.profile("quick").orElseThrow();
    assertEquals(1, quick.byType().get("alpha").get("m").asInt(), "the base is left unchanged");
  }

  @Test
  void rejectsUnknownAndCyclicProfileBases() {
    ManifestException e =
        fails(
            """
        profiles:
          one: {extends: two}
          two: {extends: one}
          three: {extends: nowhere}
        experiments:
          - id: a
            type: alpha
        """);
    assertTrue(e.getMessage().contains("cycle: one -> two -> one"), e.getMessage());
    assertTrue(e.getMessage().contains("no profile named 'nowhere'"), e.getMessage());
    assertTrue(e.getMessage().contains("profiles.three.extends"), e.getMessage());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ManifestException e =
        fails(
            """
        experiments:
          - id: a
            type: gamma
          - id: B
            type: alpha
          - type: alpha
        """);
    assertEquals(3, e.problems().size(), e.getMessage());
  }

  @Test
  void reportsMissingFile() {
    ManifestException e =
        assertThrows(ManifestException.class, () -> parser.parse(dir.resolve("absent.yaml")));
    assertTrue(e.getMessage().contains("absent.yaml"), e.getMessage());
  }

  @Test
  void rejectsNumbersOutOfRangeOfADouble() {
    ManifestProblem p =
        only(fails("experiments:\n  - id: a\n    type: alpha\n    params: {sigma: 1e400}\n"));
    assertEquals(4, p.location().line(), p.toString());
    assertEquals("experiments[0].params.sigma", p.field());
    assertTrue(p.message().contains("1e400") && p.message().contains("not finite"), p.toString());
  }

  @Test
  void rejectsIdsLongerThanTheLimit() {
    String id = "a".repeat(ManifestParser.MAX_ID_LENGTH + 1);
    ManifestProblem p = only(fails("experiments:\n  - id: " + id + "\n    type: alpha\n"));
    assertEquals(2, p.location().line());
    assertTrue(p.message().contains("limit of 64 characters"), p.toString());
    String longest = "a".repeat(ManifestParser.MAX_ID_LENGTH);
    Path ok =
        TestProjects.write(
            dir.resolve("ok.yaml"), "experiments:\n  - id: " + longest + "\n    type: alpha\n");
    assertEquals(longest, parser.parse(ok).experiments().get(0).id());
  }

  @Test
  void rejectsAnchorsAndAliasesWithTheirLine() {
    ManifestProblem p =
        only(
            fails(
                """
                experiments:
                  - id: a
                    type: alpha
                    params: &shared {n: 1}
                  - id: b
                    type: alpha
                    params: *shared
                """));
    assertEquals(4, p.location().line(), p.toString());
    assertTrue(p.message().contains("anchors and aliases"), p.toString());
    ManifestProblem alias =
        only(fails("experiments:\n  - id: a\n    type: alpha\n    params: {n: *x}\n"));
    assertTrue(alias.message().contains("anchors and aliases"), alias.toString());
  }

  @Test
  void rejectsASecondYamlDocument() {
    ManifestProblem p =
        only(
            fails(
                "experiments:\n  - id: a\n    type: alpha\n---\nexperiments:\n  - id: b\n"
                    + "    type: alpha\n"));
    assertTrue(p.message().contains("second YAML document"), p.toString());
    assertTrue(p.location().line() >= 4, p.toString());
  }

  @Test
  void rejectsManifestsLargerThanTheLimitBeforeParsing() {
    // A 2 MiB scalar: parsing it would take seconds; the size check answers at once.
    String big = "title: '" + "x".repeat(2 << 20) + "'\nexperiments: []\n";
    ManifestProblem p = only(fails(big));
    assertTrue(p.message().contains("limit of " + LocatedYaml.MAX_BYTES), p.toString());
  }
}
