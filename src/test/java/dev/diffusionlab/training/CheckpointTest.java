package dev.diffusionlab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.diffusionlab.io.SafeTensors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  record State(long steps) {}

  @TempDir Path work;

  @Test
  void noCheckpointInAnEmptyOrMissingFolder() throws IOException {
    assertTrue(Checkpoint.latest(work).isEmpty());
    assertTrue(Checkpoint.latest(work.resolve("absent")).isEmpty());
  }

  @Test
  void aWriteKilledHalfwayLeavesThePreviousCheckpointTheLatest() throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.create(new float[] {1.5f, -2f, 3.25f}, new Shape(3));
      Checkpoint.write(
          work,
          1,
          f -> Checkpoint.writeTensors(f.resolve("w.safetensors"), Map.of("w", w)),
          new State(7));
      // The second write dies after half of its tensor file.
      assertThrows(
          IOException.class,
          () ->
              Checkpoint.write(
                  work,
                  2,
                  f -> {
                    try (OutputStream out = Files.newOutputStream(f.resolve("w.safetensors"))) {
                      out.write(new byte[] {8, 0, 0});
                    }
                    throw new IOException("killed");
                  },
                  new State(14)));
      Checkpoint latest = Checkpoint.latest(work).orElseThrow();
      assertEquals(1, latest.epoch());
      assertEquals(7, latest.state(State.class).steps());
      NDArray back = manager.zeros(new Shape(3));
      SafeTensors.copyInto(latest.file("w.safetensors"), Map.of("w", back));
      assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, back.toFloatArray());

      // The next complete write replaces the partial folder and removes the older checkpoint.
      Checkpoint.write(
          work,
          2,
          f -> Checkpoint.writeTensors(f.resolve("w.safetensors"), Map.of("w", w)),
          new State(14));
      assertEquals(2, Checkpoint.latest(work).orElseThrow().epoch());
      try (var entries = Files.list(work)) {
        assertEquals(1, entries.count());
      }
      assertFalse(Files.exists(work.resolve("epoch-0001")));
    }
  }

  @Test
  void readingATensorOfAnotherShapeNamesFileAndTensor() throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Path file = work.resolve("t.safetensors");
      Checkpoint.writeTensors(file, Map.of("w", manager.zeros(new Shape(2))));
      IOException e =
          assertThrows(
              IOException.class,
              () -> SafeTensors.copyInto(file, Map.of("w", manager.zeros(new Shape(3)))));
      assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("w"));
      IOException missing =
          assertThrows(
              IOException.class,
              () -> SafeTensors.copyInto(file, Map.of("v", manager.zeros(new Shape(2)))));
      assertTrue(missing.getMessage().contains("no tensor named v"));
    }
  }
}
