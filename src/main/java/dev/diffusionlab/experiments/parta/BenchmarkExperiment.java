package dev.diffusionlab.experiments.parta;

import dev.diffusionlab.benchmarks.EmbeddedDenoiserBenchmark;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.util.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts the embedded denoiser's benchmark on the report: the same measurements as {@link
 * EmbeddedDenoiserBenchmark}'s command, with the machine they ran on. Timings depend on the machine
 * and its load; the entry's provenance records both.
 */
public final class BenchmarkExperiment implements ExperimentType<BenchmarkExperiment.Params> {

  /** The parameters; {@code types benchmark-embedded} lists them. */
  public record Params(@Param("a name for the run (change it to measure again)") String label) {}

  @Override
  public String summary() {
    return "timings of the embedded denoiser";
  }

  @Override
  public String name() {
    return "benchmark-embedded";
  }

  @Override
  public int codeVersion() {
    return 2;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("label", "default");
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("timings.csv", OutputKind.TABLE, "embedded denoiser timings"));
  }

  @Override
  public void run(Params p, ExperimentContext ctx) {
    List<List<String>> rows = new ArrayList<>();
    String machine = Machine.summary();
    for (EmbeddedDenoiserBenchmark.Timing t : EmbeddedDenoiserBenchmark.measure()) {
      rows.add(List.of(t.what(), CsvTable.number(t.medianMs(), 2), t.throughput(), machine));
    }
    new CsvTable(List.of("measurement", "median (ms)", "throughput", "machine"), rows)
        .write(ctx.output("timings.csv", OutputKind.TABLE, "embedded denoiser timings"));
  }
}
