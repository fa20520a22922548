package dev.diffusionlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keys of committed entries must not change by accident: a fresh clone renders the report from them
 * without recomputing. The literals are the keys in the committed {@code entry.json} files; change
 * them only together with the entries (bump the type's code version and regenerate).
 */
class CommittedKeysTest {

  @Test
  void keysOfCommittedEntriesStayTheSame() {
    ExperimentTypes types = ExperimentTypes.standard();
    Manifest manifest =
        new ManifestParser(types.names()).parse(Path.of("content", "manifest.yaml"));
    Plan plan = new Planner(types, Path.of("content")).plan(manifest, "quick");
    // A content image enters this key through its SHA-256.
    assertEquals(
        "a098e6c3aef48a1eba6be547d3c96200eb492a316249dc2573e0764ac7faade4",
        plan.find("forward-process").orElseThrow().key().hash());
    // A part A type on the embedded backend: no input outside content/, a dependency key.
    assertEquals(
        "2d75c3a786d31242e592b6626d4e0508136e596afb72f383dcb71f3b40330280",
        plan.find("class-samples").orElseThrow().key().hash());
  }
}
