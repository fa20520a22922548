package dev.diffusionlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.diffusion.pipelines.ClassifierFreeGuidance;
import dev.diffusionlab.io.SafeTensors;
import dev.diffusionlab.nn.deepfloyd.IfUNet;
import dev.diffusionlab.nn.deepfloyd.StoreParameters;
import dev.diffusionlab.nn.deepfloyd.UNetConfig;
import dev.diffusionlab.testing.Fixtures;
import dev.diffusionlab.testing.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IF's scheduler against diffusers' {@code DDPMScheduler} built from IF-I-XL's scheduler config
 * (if-tiny/scheduler_cases): the schedule, the learned-range variance over strided timesteps, the
 * step with dynamic thresholding, and a 4-step classifier-free-guidance loop with the tiny UNet.
 */
class DdpmSchedulerFixtureTest {
  private static final double ATOL = 2e-5;
  private static final double THRESHOLD_RATIO = 0.95;
  private static final double SAMPLE_MAX = 1.5;
  private static final float GUIDANCE = 7f;
  private static final double UNET_TOL = 1e-4;
  private static final double GUIDED_TOL = 15 * UNET_TOL;
  private static final double CHAINED_TOL = 1e-3;

  private static Path dir;
  private static SafeTensors cases;
  private static JsonNode index;
  private static NDManager manager;
  private static final DdpmScheduler SCHEDULER =
      DdpmScheduler.deepFloyd(
          NoiseSchedule.squaredCosCapV2(1000), NoiseSchedule.stridedTimesteps(990, 30));

  @BeforeAll
  static void open() throws IOException {
    dir = Fixtures.dir("if-tiny");
    cases = SafeTensors.open(dir.resolve("scheduler_cases.safetensors"));
    index = new ObjectMapper().readTree(Files.readString(dir.resolve("scheduler_cases.json")));
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() throws IOException {
    cases.close();
    manager.close();
  }

  private static NDArray tensor(String name, NDManager m) throws IOException {
    return m.create(cases.readFloats(name), new Shape(cases.info(name).shape()));
  }

  private static double check(String name, NDArray actual) throws IOException {
    double err =
        Tensors.assertClose(
            name, actual, cases.info(name).shape(), cases.readFloats(name), ATOL, 0);
    System.out.printf("%s: max abs error %.3e%n", name, err);
    return err;
  }

  /**
   * Compares a tensor computed through our own UNet. Its 1e-6 class deviation from diffusers grows
   * through guidance (x15 at most) and, at t = 990, through x0 = (x - sqrt(1 - abar) eps) /
   * sqrt(abar), where 1 / sqrt(abar) = 71, before the step scales it back down; so these get the
   * UNet's tolerance, scaled accordingly, rather than the scheduler's 2e-5.
   */
  private static void check(String name, NDArray actual, double tol, boolean fromReference)
      throws IOException {
    double err =
        Tensors.assertClose(
            name, actual, cases.info(name).shape(), cases.readFloats(name), tol, tol);
    System.out.printf(
        "%s (%s, through the Java UNet): max abs error %.3e%n",
        name, fromReference ? "from reference input" : "free-running", err);
  }

  @Test
  void cosineScheduleMatchesDiffusersAlphasCumprod() throws IOException {
    NoiseSchedule schedule = SCHEDULER.schedule();
    float[] betas = new float[1000];
    for (int t = 0; t < 1000; t++) {
      betas[t] = schedule.beta(t);
    }
    System.out.printf(
        "betas: max abs error %.3e%n",
        Tensors.assertClose("betas", betas, cases.readFloats("betas"), ATOL, 0));
    System.out.printf(
        "alphas_cumprod: max abs error %.3e%n",
        Tensors.assertClose(
            "alphas_cumprod",
            schedule.alphasCumprod(),
            cases.readFloats("alphas_cumprod"),
            ATOL,
            0));
  }

  @Test
  void stridedTimestepsMatchSetTimesteps() throws IOException {
    assertArrayEquals(
        toInts(cases.readFloats("timesteps_custom")), NoiseSchedule.stridedTimesteps(990, 30));
    assertArrayEquals(
        toInts(cases.readFloats("timesteps_default_100")), NoiseSchedule.stridedTimesteps(990, 10));
  }

  @Test
  void learnedRangeVarianceUsesPreviousStridedTimestep() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      NDArray v = tensor("v", m);
      for (JsonNode c : index.get("log_variance_cases")) {
        NDArray logVariance =
            SCHEDULER.learnedLogVariance(v, c.get("t").asInt(), c.get("prev_t").asInt());
        check(c.get("tensor").asText(), logVariance);
      }
    }
  }

  @Test
  void stepWithDynamicThresholdingMatchesDiffusers() throws IOException {
    for (JsonNode c : index.get("step_cases")) {
      String key = c.get("key").asText();
      int t = c.get("t").asInt();
      int prevT = c.get("prev_t").asInt();
      try (NDManager m = manager.newSubManager()) {
        NDArray modelOutput = tensor(key + ".model_output", m);
        NDArray sample = tensor(key + ".sample", m);
        NDArray noise = tensor(key + ".noise", m);
        NDArray eps = modelOutput.get(":, 0:3");
        NDArray x0 =
            DdpmScheduler.dynamicThreshold(
                SCHEDULER.predictOriginal(sample, eps, t), THRESHOLD_RATIO, SAMPLE_MAX);
        check(key + ".pred_original_sample", x0);
        NDArray mean = SCHEDULER.step(modelOutput, t, prevT, sample, noise.zerosLike());
        check(key + ".pred_prev_mean", mean);
        NDArray prev = SCHEDULER.step(modelOutput, t, prevT, sample, noise);
        check(key + ".prev_sample", prev);
      }
    }
  }

  @Test
  void eachGuidedLoopStepMatchesIfPipelineFromTheReferenceInput() throws IOException {
    runLoop(true);
  }

  @Test
  void freeRunningGuidedLoopStaysWithinTheUNetTolerance() throws IOException {
    runLoop(false);
  }

  /**
   * IF's stage I loop with CFG on the tiny UNet: {@code eps_u + 7 (eps_c - eps_u)} on channels 0-2,
   * the conditional variance channels 3-5, then a scheduler step with the stored noise.
   *
   * @param fromReference start each step from the reference's previous sample, so each step is
   *     checked on its own; otherwise run the loop on our own samples
   */
  private void runLoop(boolean fromReference) throws IOException {
    try (NDManager weights = manager.newSubManager();
        SafeTensors file = SafeTensors.open(dir.resolve("diffusion_pytorch_model.safetensors"))) {
      IfUNet unet =
          new IfUNet(
              UNetConfig.read(dir.resolve("config.json")),
              new StoreParameters(file, "tiny fp32 weights", weights, DataType.FLOAT32));
      int[] timesteps = toInts(cases.readFloats("loop.timesteps"));
      NDArray x = tensor("loop.x_T", weights);
      NDArray text = tensor("loop.encoder_hidden_states", weights);
      for (int i = 0; i < timesteps.length; i++) {
        int t = timesteps[i];
        int prevT = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
        String step = "loop.step" + i;
        try (NDManager m = weights.newSubManager()) {
          NDArray input = fromReference && i > 0 ? tensor("loop.step" + (i - 1) + ".x_prev", m) : x;
          NDArray out = unet.forward(input.concat(input, 0), m.create(new float[] {t, t}), text);
          out.attach(m);
          check(step + ".unet_out", out, UNET_TOL, fromReference);
          NDList halves = out.split(2, 0);
          NDArray guided =
              ClassifierFreeGuidance.combine(halves.get(1), halves.get(0), GUIDANCE, 3);
          check(step + ".guided", guided, GUIDED_TOL, fromReference);
          NDArray noise = prevT >= 0 ? tensor(step + ".noise", m) : input.zerosLike();
          if (fromReference) {
            NDArray exact = SCHEDULER.step(tensor(step + ".guided", m), t, prevT, input, noise);
            check(step + ".x_prev", exact);
          }
          NDArray next = SCHEDULER.step(guided, t, prevT, input, noise);
          check(step + ".x_prev", next, CHAINED_TOL, fromReference);
          next.attach(weights);
          x = next;
        }
      }
    }
  }

  private static int[] toInts(float[] values) {
    int[] ints = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      ints[i] = Math.round(values[i]);
    }
    return ints;
  }
}
