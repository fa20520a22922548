package dev.diffusionlab.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartBBenchmarkTest {
  @Test
  void readsThePyTorchReferenceUnderTheRowsNetworkNames() {
    String output =
        """
        torch 1.13.0a0, 1 threads
        D=128 batch=8 none params=7891073 train 2.3 img/s 3426 ms/step; eval 7.9 img/s 1011 ms/eval
        D=64 batch=8 time params=1996417 train 9.2 img/s 868 ms/step; eval 29.3 img/s 273 ms/eval
        D=64 batch=8 class params=2019201 train 9.3 img/s 861 ms/step; eval 26.7 img/s 299 ms/eval
        """;
    Map<String, PartBBenchmark.Reference> reference = PartBBenchmark.parseReference(output);
    assertEquals(
        List.of("unconditional D=128", "time D=64", "time+class D=64"),
        List.copyOf(reference.keySet()));
    assertEquals(9.2, reference.get("time D=64").trainImagesPerSecond(), 1e-12);
    assertEquals(26.7, reference.get("time+class D=64").evalImagesPerSecond(), 1e-12);
  }

  @Test
  void ignoresOutputThatIsNotAMeasurement() {
    assertEquals(Map.of(), PartBBenchmark.parseReference("ModuleNotFoundError: torch\n"));
  }
}
