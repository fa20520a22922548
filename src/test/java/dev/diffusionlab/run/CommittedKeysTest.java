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
        "93b8b893779f57006e0e9d4e4502657749b3f7d3cad51f32759f4e311aa2c5b8",
        plan.find("forward-process").orElseThrow().key().hash());
    // A part A type on the embedded backend: no input outside content/, a dependency key.
    assertEquals(
        "7e61a8cf8a6bd35252671251b8f1ff4fda6520f13550887ef8f045b2cbfd7023",
        plan.find("class-samples").orElseThrow().key().hash());
  }
}
