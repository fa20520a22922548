package dev.diffusionlab.experiments;

import dev.diffusionlab.benchmarks.PartBBenchmark;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.util.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The part B throughput table (see {@link PartBBenchmark}) as a report table. */
public final class PartBBenchmarkExperiment
    implements ExperimentType<PartBBenchmarkExperiment.Params> {

  /** The parameters; {@code types partb-benchmark} lists them. */
  public record Params(
      @Param(value = "images per timed step", min = 2) int batch,
      @Param(value = "timed steps per configuration (after one warm-up)", min = 1) int steps) {}

  @Override
  public String summary() {
    return "training and sampling throughput of part B's UNets";
  }

  @Override
  public String name() {
    return "partb-benchmark";
  }

  @Override
  public int codeVersion() {
    return 1;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("batch", 128, "steps", 3);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("throughput.csv", OutputKind.TABLE, "training and sampling throughput"));
  }

  @Override
  public void validate(Params p) {
    if (p.batch() < 2) {
      throw new InvalidParamsException(
          "batch", "expected at least 2 (BatchNorm), got " + p.batch());
    }
    ParamRange.require("batch", p.batch(), 2, 4096);
    ParamRange.require("steps", p.steps(), 1, 100_000);
  }

  @Override
  public void run(Params p, ExperimentContext ctx) {
    List<List<String>> rows = new ArrayList<>();
    String machine =
        Machine.describe().get("cpu").asText()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, no GPU";
    for (PartBBenchmark.Row r : PartBBenchmark.measure(p.batch(), p.steps())) {
      rows.add(
          List.of(
              r.network(),
              r.task(),
              Integer.toString(r.batch()),
              CsvTable.number(r.imagesPerSecond(), 2),
              CsvTable.number(r.msPerStep(), 0),
              machine));
    }
    new CsvTable(List.of("network", "task", "batch", "images/s", "ms/step", "machine"), rows)
        .write(ctx.output("throughput.csv", OutputKind.TABLE, "training and sampling throughput"));
  }
}
