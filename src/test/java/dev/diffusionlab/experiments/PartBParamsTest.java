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
    assertField(
        "batch_size",
        "expected 1 to 60000, got 0",
        new DiffusionUNetExperiment(),
        Map.of("batch_size", 0));
    assertField(
        "batch_size",
        "expected 1 to 60000, got 0",
        new OneStepDenoiserExperiment(),
        Map.of("batch_size", 0));
  }

  @Test
  void rejectsNegativeEpochs() {
    assertField(
        "epochs",
        "expected 0 to 1000, got -1",
        new DiffusionUNetExperiment(),
        Map.of("epochs", -1));
    assertField(
        "epochs",
        "expected 0 to 1000, got -3",
        new MnistClassifierExperiment(),
        Map.of("epochs", -3));
  }

  @Test
  void rejectsUnknownObjective() {
    assertField(
        "objective",
        "expected ddpm or flow, got 'score-sde'",
        new DiffusionUNetExperiment(),
        Map.of("objective", "score-sde"));
  }

  @Test
  void rejectsNegativeSigma() {
    assertField(
        "train_sigma",
        "expected 0 to 100, got -0.5",
        new OneStepDenoiserExperiment(),
        Map.of("train_sigma", -0.5));
    assertField(
        "test_sigmas[1]",
        "expected 0 to 100, got -1.0",
        new OneStepDenoiserExperiment(),
        Map.of("test_sigmas", List.of(0.2, -1.0)));
    assertField(
        "sigmas[0]",
        "expected 0 to 100, got -0.1",
        new MnistNoisingExperiment(),
        Map.of("sigmas", List.of(-0.1)));
  }

  @Test
  void rejectsNegativeGuidance() {
    assertField(
        "guidance",
        "expected 0 to 100, got -2.0",
        new DiffusionUNetExperiment(),
        Map.of("guidance", -2.0));
  }

  @Test
  void anExclusiveBoundRefusesTheBoundItself() {
    assertField(
        "learning_rate",
        "expected > 0 and <= 10, got 0.0",
        new MnistClassifierExperiment(),
        Map.of("learning_rate", 0.0));
    assertField(
        "p_uncond",
        "expected >= 0 and < 1, got 1.0",
        new DiffusionUNetExperiment(),
        Map.of("p_uncond", 1.0));
    DiffusionUNetExperiment type = new DiffusionUNetExperiment();
    assertEquals(
        List.of(),
        ParamChecks.check(type, bind(type, Map.of("p_uncond", 0.0, "learning_rate", 10.0))));
  }

  @Test
  void everyValueOutsideItsRangeIsReportedAtOnce() {
    DiffusionUNetExperiment type = new DiffusionUNetExperiment();
    List<ParamChecks.Problem> problems =
        ParamChecks.check(
            type,
            bind(
                type,
                Map.of("hidden", 0, "guidance", Double.NaN, "sample_epochs", List.of(5, 0, -2))));
    assertEquals(
        List.of(
            new ParamChecks.Problem("hidden", "expected 1 to 1024, got 0"),
            new ParamChecks.Problem("sample_epochs[1]", "expected >= 1, got 0"),
            new ParamChecks.Problem("sample_epochs[2]", "expected >= 1, got -2"),
            new ParamChecks.Problem("guidance", "expected 0 to 100, got NaN")),
        problems);
  }

  @Test
  void rulesRelatingSeveralValuesStayWithTheType() {
    assertField(
        "train_size",
        "expected at least batch_size (128), got 100",
        new DiffusionUNetExperiment(),
        Map.of("train_size", 100));
    assertField(
        "sampling_steps",
        "expected at most timesteps (300), got 301",
        new DiffusionUNetExperiment(),
        Map.of("sampling_steps", 301));
    assertField(
        "shown",
        "expected at most test_size (10), got 11",
        new OneStepDenoiserExperiment(),
        Map.of("test_size", 10, "shown", 11));
    assertField(
        "kernel_size",
        "expected an odd size, got 4",
        new BlurDenoiseExperiment(),
        Map.of("kernel_size", 4));
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
    assertField(
        "kernel_size",
        "expected 1 to 255, got 2147483647",
        new BlurDenoiseExperiment(),
        Map.of("kernel_size", huge));
    assertField(
        "num_train_timesteps",
        "expected 2 to 100000, got 2147483647",
        new ForwardProcessExperiment(),
        Map.of("num_train_timesteps", huge));
    assertField(
        "timesteps",
        "expected 2 to 10000, got 2147483647",
        new DiffusionUNetExperiment(),
        Map.of("timesteps", huge));
    assertField(
        "hidden",
        "expected 1 to 1024, got 2147483647",
        new DiffusionUNetExperiment(),
        Map.of("hidden", huge));
    assertField(
        "epochs",
        "expected 0 to 1000, got 2147483647",
        new OneStepDenoiserExperiment(),
        Map.of("epochs", huge));
    assertField(
        "steps",
        "expected 1 to 100000, got 2147483647",
        new PartBBenchmarkExperiment(),
        Map.of("steps", huge));
    assertField(
        "learning_rate",
        "expected > 0 and <= 10, got 1.0E300",
        new MnistClassifierExperiment(),
        Map.of("learning_rate", 1e300));
    assertField(
        "sigma",
        "expected > 0 and <= 100, got 1.0E300",
        new BlurDenoiseExperiment(),
        Map.of("sigma", 1e300));
    assertField(
        "guidance",
        "expected 0 to 100, got 1.0E300",
        new DiffusionUNetExperiment(),
        Map.of("guidance", 1e300));
    assertField(
        "samples_per_class",
        "expected 1 to 1000, got 2147483647",
        new SampleScoresExperiment(),
        Map.of("samples_per_class", huge, "sources", List.of("ddpm-class")));
    // The bounds admit what the course asks for.
    BlurDenoiseExperiment blur = new BlurDenoiseExperiment();
    assertEquals(List.of(), ParamChecks.check(blur, bind(blur, Map.of("kernel_size", 255))));
  }

  private static <P extends Record> P bind(ExperimentType<P> type, Map<String, Object> params) {
    Map<String, Object> merged = new HashMap<>(type.defaults());
    merged.putAll(params);
    return Json.strictBinder().convertValue(merged, type.paramsType());
  }

  /**
   * The one problem of these params (the type's defaults and {@code params}) is at {@code field}.
   */
  private static <P extends Record> void assertField(
      String field, String message, ExperimentType<P> type, Map<String, Object> params) {
    assertEquals(
        List.of(new ParamChecks.Problem(field, message)),
        ParamChecks.check(type, bind(type, params)));
  }
}
