package dev.diffusionlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffusionlab.util.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  @Test
  void plainOutputPrintsAtIntervalsWithEtaAndMetrics() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    ConsoleProgress progress =
        new ConsoleProgress(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "train: ", clock::get);
    try (Progress.Task task = progress.start("epoch 1", 100)) {
      task.update(1, "loss", 0.5);
      clock.set(1_000_000_000L);
      task.update(10, "loss", 0.25); // within 5 s of the last line: not printed
      clock.set(10_000_000_000L);
      task.update(50, "loss", 0.125);
      clock.set(20_000_000_000L);
      task.update(100, "loss", 0.0625);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length, String.join("\n", lines));
    assertEquals("train: epoch 1 1/100 ETA 0s elapsed 0s loss 0.5000", lines[0]);
    assertEquals("train: epoch 1 50/100 ETA 10s elapsed 10s loss 0.1250", lines[1]);
    assertEquals("train: epoch 1 100/100 elapsed 20s loss 0.06250", lines[2]);
  }

  @Test
  void durationsReadNaturally() {
    assertEquals("12s", ConsoleProgress.duration(12.2));
    assertEquals("3m05s", ConsoleProgress.duration(185));
    assertEquals("1h02m", ConsoleProgress.duration(3720));
  }
}
