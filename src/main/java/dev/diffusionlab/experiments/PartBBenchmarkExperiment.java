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
      @Param(
              value = "images per timed step, or 0 for each network's course batch (256, 128, 128)",
              min = 0,
              max = 4096)
          int batch,
      @Param(
              value = "timed steps per configuration after one warm-up (the fastest counts)",
              min = 1,
              max = 100_000)
          int steps,
      @Param("also time the same recipe in PyTorch (python3 with torch) and write the ratios")
          boolean reference) {}

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
    return 2;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("batch", 0, "steps", 3, "reference", true);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs = new ArrayList<>();
    outputs.add(
        new DeclaredOutput("throughput.csv", OutputKind.TABLE, "training and sampling throughput"));
    if (p.reference()) {
      outputs.add(new DeclaredOutput("reference.csv", OutputKind.TABLE, REFERENCE));
    }
    return outputs;
  }

  @Override
  public void validate(Params p) {
    if (p.batch() == 1) {
      throw new InvalidParamsException("batch", "expected 0 or at least 2 (BatchNorm), got 1");
    }
  }

  private static final String REFERENCE = "the same recipe in PyTorch, and the ratios";

  @Override
  public void run(Params p, ExperimentContext ctx) throws java.io.IOException {
    List<List<String>> rows = new ArrayList<>();
    String machine = Machine.summary();
    List<PartBBenchmark.Row> measured = PartBBenchmark.measure(p.batch(), p.steps());
    for (PartBBenchmark.Row r : measured) {
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
    if (p.reference()) {
      writeReference(p, ctx, measured);
    }
  }

  /** Training and evaluation rows beside PyTorch's, or one row saying why it could not run. */
  private static void writeReference(
      Params p, ExperimentContext ctx, List<PartBBenchmark.Row> measured)
      throws java.io.IOException {
    List<String> header =
        List.of("network", "task", "batch", "images/s", "PyTorch images/s", "ratio", "PyTorch");
    List<List<String>> rows = new ArrayList<>();
    try {
      PartBBenchmark.ReferenceRun reference =
          PartBBenchmark.reference(p.batch(), p.steps(), PartBBenchmark.threads());
      for (PartBBenchmark.Row r : measured) {
        PartBBenchmark.ratio(r, reference)
            .ifPresent(
                ratio ->
                    rows.add(
                        List.of(
                            r.network(),
                            r.task(),
                            Integer.toString(r.batch()),
                            CsvTable.number(r.imagesPerSecond(), 2),
                            CsvTable.number(r.imagesPerSecond() / ratio, 2),
                            CsvTable.number(ratio, 2),
                            reference.header())));
      }
    } catch (java.io.IOException absent) {
      ctx.progress().log("PyTorch reference not run: " + absent.getMessage());
      rows.add(List.of("", "", "", "", "", "", "not run: " + absent.getMessage()));
    }
    new CsvTable(header, rows).write(ctx.output("reference.csv", OutputKind.TABLE, REFERENCE));
  }
}
