package dev.diffusionlab.experiments.parta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.ParamChecks;
import dev.diffusionlab.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad part A parameters are rejected before any sampling, naming the field. */
class PartAParamsTest {

  private static InvalidParamsException rejects(Runnable check) {
    return assertThrows(InvalidParamsException.class, check::run);
  }

  @Test
  void unknownPromptOfTheEmbeddedModelNamesTheIndex() {
    SampleExperiment.Params p =
        new SampleExperiment.Params(
            "embedded",
            "m",
            "e",
            List.of("a handwritten digit 3", "a unicorn"),
            2,
            List.of(30),
            7.0,
            "",
            false);
    InvalidParamsException e = rejects(() -> new SampleExperiment().validate(p));
    assertEquals("prompts[1]", e.field());
    assertTrue(e.getMessage().contains("no prompt 'a unicorn'"), e.getMessage());
  }

  @Test
  void deepfloydAcceptsAnyPromptButNotAnUnknownBackend() {
    new SampleExperiment()
        .validate(
            new SampleExperiment.Params(
                "deepfloyd", "m", "e", List.of("a unicorn"), 2, List.of(30), 7.0, "", false));
    InvalidParamsException e =
        rejects(
            () ->
                new SampleExperiment()
                    .validate(
                        new SampleExperiment.Params(
                            "stable", "m", "e", List.of("x"), 2, List.of(30), 1.0, "", false)));
    assertEquals("backend", e.field());
  }

  @Test
  void iStartOutsideTheScheduleIsRejected() {
    SdeditExperiment.Params p =
        new SdeditExperiment.Params(
            "embedded",
            "m",
            "e",
            List.of("images/cat.png"),
            List.of(1, 34),
            "a high quality photo",
            7.0,
            30);
    InvalidParamsException e = rejects(() -> new SdeditExperiment().validate(p));
    assertEquals("i_starts[1]", e.field());
    assertTrue(e.getMessage().contains("34 steps [0, 33]"), e.getMessage());
  }

  @Test
  void iStartOfIterativeDenoisingIsCheckedAgainstItsStride() {
    DenoiseExperiment type = new DenoiseExperiment();
    // Stride 30 gives the 34 timesteps [990, ..., 0] of A1.4; stride 50 the 20 of [950, ..., 0].
    assertEquals(
        List.of(
            new ParamChecks.Problem(
                "i_start", "i_start 34 is outside the schedule's 34 steps [0, 33]")),
        ParamChecks.check(type, bind(type, Map.of("i_start", 34))));
    assertEquals(List.of(), ParamChecks.check(type, bind(type, Map.of("i_start", 33))));
    assertEquals(
        "i_start 20 is outside the schedule's 20 steps [0, 19]",
        ParamChecks.check(type, bind(type, Map.of("i_start", 20, "stride", 50))).get(0).message());
    assertEquals(
        List.of(new ParamChecks.Problem("blur_kernel", "expected an odd size, got 4")),
        ParamChecks.check(type, bind(type, Map.of("blur_kernel", 4))));
  }

  @Test
  void guidanceStrideAndSampleCountsHaveTheirRangeOnTheirParam() {
    SampleExperiment type = new SampleExperiment();
    assertEquals(
        List.of(
            new ParamChecks.Problem("samples", "expected 1 to 64, got 65"),
            new ParamChecks.Problem("strides[1]", "expected 1 to 999, got 1000"),
            new ParamChecks.Problem("guidance", "expected 0 to 100, got 101.0")),
        ParamChecks.check(
            type,
            bind(type, Map.of("samples", 65, "strides", List.of(30, 1000), "guidance", 101.0))));
  }

  private static <P extends Record> P bind(ExperimentType<P> type, Map<String, Object> params) {
    Map<String, Object> merged = new HashMap<>(type.defaults());
    merged.putAll(params);
    return Json.strictBinder().convertValue(merged, type.paramsType());
  }

  @Test
  void unknownViewListsTheViews() {
    AnagramExperiment.Params p =
        new AnagramExperiment.Params(
            "embedded",
            "m",
            "e",
            List.of(
                new AnagramExperiment.Anagram(
                    List.of("a handwritten digit 6", "a handwritten digit 9"),
                    List.of("identity", "mirror"))),
            1,
            7.0,
            30,
            "",
            false);
    InvalidParamsException e = rejects(() -> new AnagramExperiment().validate(p));
    assertEquals("anagrams[0].views[1]", e.field());
    assertTrue(e.getMessage().contains("flip"), e.getMessage());
  }

  @Test
  void masksMustMatchImagesAndBoxesMustBeValid() {
    InpaintExperiment type = new InpaintExperiment();
    InvalidParamsException count =
        rejects(
            () ->
                type.validate(
                    new InpaintExperiment.Params(
                        "embedded",
                        "m",
                        "e",
                        List.of("a.png", "b.png"),
                        List.of("box:0,0,1,1"),
                        "a high quality photo",
                        7.0,
                        30,
                        1)));
    assertEquals("masks", count.field());
    InvalidParamsException box =
        rejects(
            () ->
                type.validate(
                    new InpaintExperiment.Params(
                        "embedded",
                        "m",
                        "e",
                        List.of("a.png"),
                        List.of("box:0.5,0,0.2,1"),
                        "a high quality photo",
                        7.0,
                        30,
                        1)));
    assertEquals("masks[0]", box.field());
  }

  @Test
  void stridedTimestepsFollowA14AndIfLeadingSpacing() {
    int[] a14 = Frames.timesteps(30, 1000);
    assertEquals(34, a14.length);
    assertEquals(990, a14[0]);
    assertEquals(690, a14[10]);
    assertEquals(0, a14[33]);
    int[] twenty = Frames.timesteps(50, 1000);
    assertEquals(20, twenty.length);
    assertEquals(950, twenty[0]);
  }

  @Test
  void aNamedModelFolderThatDoesNotExistIsAnErrorNotUnavailableWeights() {
    String absent = java.nio.file.Path.of("/nonexistent/deepfloyd-if").toString();
    InvalidParamsException e =
        assertThrows(
            InvalidParamsException.class,
            () -> Backends.open(Backends.DEEPFLOYD, absent, "prompt_embeds_dict.pth", null));
    assertEquals("model", e.field());
    assertTrue(e.getMessage().contains(absent + "' is neither a folder"), e.getMessage());
  }
}
