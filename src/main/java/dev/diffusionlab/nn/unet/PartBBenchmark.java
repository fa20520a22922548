package dev.diffusionlab.nn.unet;

import ai.djl.engine.Engine;
import dev.diffusionlab.run.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * Training and sampling throughput of the three part B UNets at the assignment's widths. Run with
 * {@code mvn -q compile exec:java -Dexec.mainClass=dev.diffusionlab.nn.unet.PartBBenchmark
 * [-Dexec.args="BATCH STEPS"]}; prints a Markdown table and the machine.
 */
public final class PartBBenchmark {
  private PartBBenchmark() {}

  /**
   * One measured configuration.
   *
   * @param network which UNet and width
   * @param task training or a sampler
   * @param batch images per step
   * @param imagesPerSecond training images per second, or samples per second for a sampler
   * @param msPerStep milliseconds per training step, or per network evaluation of the batch
   */
  public record Row(
      String network, String task, int batch, double imagesPerSecond, double msPerStep) {}

  /** The course's three networks; samplers measured on the time-conditioned ones. */
  public static List<Row> measure(int batch, int steps) {
    List<Row> rows = new ArrayList<>();
    record Net(String name, UNetConfig config) {}
    List<Net> nets =
        List.of(
            new Net("unconditional D=128", UNetConfig.mnist(128, Conditioning.NONE)),
            new Net("time D=64", UNetConfig.mnist(64, Conditioning.TIME)),
            new Net("time+class D=64", UNetConfig.mnist(64, Conditioning.TIME_AND_CLASS)));
    for (Net net : nets) {
      UNetThroughput.Result r = UNetThroughput.training(net.config(), batch, steps);
      rows.add(
          new Row(net.name(), "training (Adam step)", batch, r.imagesPerSecond(), r.msPerStep()));
    }
    UNetThroughput.Result time = UNetThroughput.evaluation(nets.get(1).config(), batch, steps);
    UNetThroughput.Result guided =
        UNetThroughput.evaluation(nets.get(2).config(), 2 * batch, steps);
    // A sample costs one evaluation per step; with guidance one evaluation of a doubled batch.
    rows.add(sampling("time D=64", "DDPM ancestral, 300 steps", batch, time, 300, 1));
    rows.add(sampling("time D=64", "flow Euler, 50 steps", batch, time, 50, 1));
    rows.add(sampling("time+class D=64", "DDPM + CFG, 300 steps", batch, guided, 300, 2));
    rows.add(sampling("time+class D=64", "flow + CFG, 50 steps", batch, guided, 50, 2));
    return rows;
  }

  private static Row sampling(
      String network, String task, int batch, UNetThroughput.Result r, int steps, int factor) {
    double perImageEvaluation = 1 / r.imagesPerSecond();
    double samplesPerSecond = 1 / (perImageEvaluation * factor * steps);
    return new Row(network, task, batch, samplesPerSecond, r.msPerStep());
  }

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.println(
        "Machine: "
            + Machine.describe().get("cpu").asText()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores; "
            + Engine.getInstance().getEngineName()
            + " "
            + Engine.getInstance().getVersion()
            + "; no GPU");
    System.out.println("| network | task | batch | images/s | ms/step |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (Row r : measure(batch, steps)) {
      System.out.printf(
          "| %s | %s | %d | %.2f | %.0f |%n",
          r.network(), r.task(), r.batch(), r.imagesPerSecond(), r.msPerStep());
    }
  }
}
