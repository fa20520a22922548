package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.nn.NamedWeights;
import dev.diffusionlab.testing.Fixtures;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The one Adam against torch.optim.Adam (lr 1e-2, betas 0.9/0.999, eps 1e-8) on the least-squares
 * problem of {@code shared/fixtures/adam/adam_cases.json}: the weights after steps 1, 2, 10 and 20
 * and the moments after step 20, for both of its updates (the engine's fused kernel over a DJL
 * block, and the written-out update with a clip norm the gradients never reach).
 */
class AdamTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void fusedUpdateOverABlockMatchesTorch() throws Exception {
    JsonNode fixture = fixture();
    try (NDManager manager = NDManager.newBaseManager()) {
      Linear linear = Linear.builder().setUnits(3).build();
      linear.initialize(manager, DataType.FLOAT32, new Shape(8, 4));
      // DJL stores W as [out, in]: the fixture's W transposed.
      NDArray w = linear.getParameters().get("weight").getArray();
      NDArray b = linear.getParameters().get("bias").getArray();
      w.set(matrix(manager, fixture.get("W0")).transpose().toFloatArray());
      b.set(vector(manager, fixture.get("b0")).toFloatArray());
      ParameterStore store = new ParameterStore(manager, false);
      try (Adam adam = Adam.of(linear, manager)) {
        check(
            fixture,
            manager,
            adam,
            x -> linear.forward(store, new NDList(x), true).head(),
            () -> w.transpose(),
            () -> b,
            () -> adam.state().get("m/weight").transpose(),
            () -> adam.state().get("v/weight").transpose());
      }
    }
  }

  @Test
  void clippedUpdateOverNamedWeightsMatchesTorchBelowTheClipNorm() throws Exception {
    JsonNode fixture = fixture();
    try (NDManager manager = NDManager.newBaseManager();
        NamedWeights weights = new NamedWeights(manager)) {
      weights.constant("W", new Shape(4, 3), 0f);
      weights.constant("b", new Shape(3), 0f);
      weights.get("W").set(matrix(manager, fixture.get("W0")).toFloatArray());
      weights.get("b").set(vector(manager, fixture.get("b0")).toFloatArray());
      weights.requireGradients(true);
      try (Adam adam = Adam.clipped(weights, 1e9)) {
        check(
            fixture,
            manager,
            adam,
            x -> x.matMul(weights.get("W")).add(weights.get("b")),
            () -> weights.get("W"),
            () -> weights.get("b"),
            () -> adam.state().get("m/W"),
            () -> adam.state().get("v/W"));
      }
    }
  }

  private static void check(
      JsonNode fixture,
      NDManager manager,
      Adam adam,
      Function<NDArray, NDArray> model,
      Supplier<NDArray> w,
      Supplier<NDArray> b,
      Supplier<NDArray> firstMoment,
      Supplier<NDArray> secondMoment) {
    JsonNode reference = fixture.get("cases").get(0);
    assertEquals(0.01, reference.get("lr").asDouble());
    assertEquals(0.9, reference.get("beta1").asDouble());
    assertEquals(0.999, reference.get("beta2").asDouble());
    NDArray x = matrix(manager, fixture.get("x"));
    NDArray y = matrix(manager, fixture.get("y"));
    for (int step = 1; step <= 20; step++) {
      float loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray l = model.apply(x).sub(y).square().mean();
        collector.backward(l);
        loss = l.getFloat();
      }
      adam.step(0.01);
      JsonNode after = reference.get("after_step").get(Integer.toString(step));
      if (after != null) {
        assertEquals(after.get("loss_before_step").asDouble(), loss, 1e-5, "loss, step " + step);
        assertClose(matrix(manager, after.get("W")), w.get(), "W after step " + step);
        assertClose(vector(manager, after.get("b")), b.get(), "b after step " + step);
      }
    }
    assertEquals(20, adam.steps());
    assertClose(matrix(manager, reference.get("W_exp_avg_20")), firstMoment.get(), "exp_avg");
    assertClose(
        matrix(manager, reference.get("W_exp_avg_sq_20")), secondMoment.get(), "exp_avg_sq");
  }

  private static void assertClose(NDArray expected, NDArray actual, String what) {
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    assertEquals(e.length, a.length, what);
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], TOLERANCE, what + " [" + i + "]");
    }
  }

  private static JsonNode fixture() throws Exception {
    return new ObjectMapper().readTree(Fixtures.dir("adam").resolve("adam_cases.json").toFile());
  }

  private static NDArray matrix(NDManager manager, JsonNode rows) {
    int r = rows.size();
    int c = rows.get(0).size();
    float[] out = new float[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[i * c + j] = (float) rows.get(i).get(j).asDouble();
      }
    }
    return manager.create(out, new Shape(r, c));
  }

  private static NDArray vector(NDManager manager, JsonNode values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values.get(i).asDouble();
    }
    return manager.create(out);
  }
}
