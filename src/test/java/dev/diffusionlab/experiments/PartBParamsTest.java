package dev.diffusionlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.TestProjects;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.run.Planner;
import dev.diffusionlab.util.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartBParamsTest {
  @TempDir Path project;

  @Test
  void courseSettingsAreTheTypeDefaults() {
    DiffusionUNetExperiment.Params ddpm = bind(new DiffusionUNetExperiment(), Map.of());
    assertEquals(64, ddpm.hidden());
    assertEquals(128, ddpm.batchSize());
    assertEquals(1e-3, ddpm.learningRate());
    assertEquals(20, ddpm.epochs());
    assertEquals(300, ddpm.timesteps());
    assertEquals(5.0, ddpm.guidance());
    OneStepDenoiserExperiment.Params denoiser = bind(new OneStepDenoiserExperiment(), Map.of());
    assertEquals(128, denoiser.hidden());
    assertEquals(256, denoiser.batchSize());
    assertEquals(1e-4, denoiser.learningRate());
    assertEquals(5, denoiser.epochs());
  }

  @Test
  void aSamplingAnimationIsDeclaredOnlyWhenItHasFrames() {
    DiffusionUNetExperiment type = new DiffusionUNetExperiment();
    List<String> none =
        type.outputs(bind(type, Map.of("gif_frames", 0))).stream()
            .map(DeclaredOutput::name)
            .toList();
    List<String> some =
        type.outputs(bind(type, Map.of("gif_frames", 12))).stream()
            .map(DeclaredOutput::name)
            .toList();
    assertTrue(!none.contains("sampling.gif") && none.contains("index.json"), none.toString());
    assertTrue(some.contains("sampling.gif"), some.toString());
  }

  @Test
  void rejectsBatchSizeZero() {
    assertField("batch_size", new DiffusionUNetExperiment(), Map.of("batch_size", 0));
    assertField("batch_size", new OneStepDenoiserExperiment(), Map.of("batch_size", 0));
  }

  @Test
  void rejectsNegativeEpochs() {
    assertField("epochs", new DiffusionUNetExperiment(), Map.of("epochs", -1));
    assertField("epochs", new MnistClassifierExperiment(), Map.of("epochs", -3));
  }

  @Test
  void rejectsUnknownObjective() {
    assertField("objective", new DiffusionUNetExperiment(), Map.of("objective", "score-sde"));
  }

  @Test
  void rejectsNegativeSigma() {
    assertField("train_sigma", new OneStepDenoiserExperiment(), Map.of("train_sigma", -0.5));
    assertField(
        "test_sigmas[1]", new OneStepDenoiserExperiment(), Map.of("test_sigmas", List.of(0.2, -1)));
    assertField("sigmas[0]", new MnistNoisingExperiment(), Map.of("sigmas", List.of(-0.1)));
  }

  @Test
  void rejectsNegativeGuidance() {
    assertField("guidance", new DiffusionUNetExperiment(), Map.of("guidance", -2.0));
  }

  @Test
  void rejectsNonNumericGuidanceWhenPlanningBeforeAnythingRuns() {
    Path file =
        TestProjects.write(
            project.resolve("content/manifest.yaml"),
            """
            experiments:
              - id: flow-class
                type: diffusion-unet
                params: {objective: flow, class_conditioned: true, guidance: strong}
            """);
    ExperimentTypes types = ExperimentTypes.standard();
    Manifest manifest = new ManifestParser(types.names()).parse(file);
    ManifestException e =
        assertThrows(
            ManifestException.class,
            () -> new Planner(types, project.resolve("content")).plan(manifest, "quick"));
    assertTrue(e.problems().get(0).field().contains("guidance"), e.problems().toString());
  }

  @Test
  void rejectsIntegersAndFloatsOutsideTheirSaneRange() {
    int huge = Integer.MAX_VALUE;
    assertField("kernel_size", new BlurDenoiseExperiment(), Map.of("kernel_size", huge));
    assertField(
        "num_train_timesteps", new ForwardProcessExperiment(), Map.of("num_train_timesteps", huge));
    assertField("timesteps", new DiffusionUNetExperiment(), Map.of("timesteps", huge));
    assertField("hidden", new DiffusionUNetExperiment(), Map.of("hidden", huge));
    assertField("epochs", new OneStepDenoiserExperiment(), Map.of("epochs", huge));
    assertField("steps", new PartBBenchmarkExperiment(), Map.of("steps", huge));
    assertField("learning_rate", new MnistClassifierExperiment(), Map.of("learning_rate", 1e300));
    assertField("sigma", new BlurDenoiseExperiment(), Map.of("sigma", 1e300));
    assertField("guidance", new DiffusionUNetExperiment(), Map.of("guidance", 1e300));
    assertField(
        "samples_per_class",
        new SampleScoresExperiment(),
        Map.of("samples_per_class", huge, "sources", List.of("ddpm-class")));
    // The bounds admit what the course asks for.
    new BlurDenoiseExperiment()
        .validate(bind(new BlurDenoiseExperiment(), Map.of("kernel_size", 255)));
  }

  private static <P extends Record> P bind(ExperimentType<P> type, Map<String, Object> params) {
    Map<String, Object> merged = new HashMap<>(type.defaults());
    merged.putAll(params);
    return Json.strictBinder().convertValue(merged, type.paramsType());
  }

  private static <P extends Record> void assertField(
      String field, ExperimentType<P> type, Map<String, Object> params) {
    P p = bind(type, params);
    InvalidParamsException e = assertThrows(InvalidParamsException.class, () -> type.validate(p));
    assertEquals(field, e.field());
  }
}
