package dev.diffusionlab.benchmarks;

import ai.djl.engine.Engine;
import dev.diffusionlab.nn.unet.Conditioning;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.util.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training and sampling throughput of the three part B UNets at the assignment's widths. Run with
 * {@code mvn -q compile exec:java -Dexec.mainClass=dev.diffusionlab.benchmarks.PartBBenchmark
 * [-Dexec.args="BATCH STEPS"]}; prints a Markdown table and the machine. Where Python 3 with
 * PyTorch is installed (Debian: {@code apt-get install python3-torch}), it then runs the same
 * recipe in {@code bench/partb_unet.py} with the same thread count and prints the ratios.
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

  /** Training and evaluation images per second of one network in the PyTorch reference. */
  public record Reference(double trainImagesPerSecond, double evalImagesPerSecond) {}

  private static final Pattern REFERENCE_LINE =
      Pattern.compile(
          "D=(\\d+) batch=\\d+ (none|time|class) params=\\d+ train ([\\d.]+) img/s.*eval ([\\d.]+)"
              + " img/s");

  /** The reference's lines, keyed like the rows' network names ("time D=64"). */
  static Map<String, Reference> parseReference(String output) {
    Map<String, Reference> result = new LinkedHashMap<>();
    Matcher m = REFERENCE_LINE.matcher(output);
    while (m.find()) {
      String kind =
          switch (m.group(2)) {
            case "none" -> "unconditional";
            case "time" -> "time";
            default -> "time+class";
          };
      result.put(
          kind + " D=" + m.group(1),
          new Reference(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))));
    }
    return result;
  }

  private static void printReference(List<Row> rows, int batch, int threads) {
    Path script = Path.of("bench", "partb_unet.py");
    if (!Files.isRegularFile(script)) {
      return;
    }
    String output = "";
    Map<String, Reference> reference = Map.of();
    // Debian's python3-torch lives with /usr/bin/python3, which may not be first on the PATH.
    for (String python : List.of("python3", "/usr/bin/python3")) {
      output = runReference(python, script, batch, threads);
      reference = parseReference(output);
      if (!reference.isEmpty()) {
        break;
      }
    }
    if (reference.isEmpty()) {
      System.out.println("PyTorch reference not run (no python3 with torch): " + output.strip());
      return;
    }
    System.out.println();
    System.out.println(output.lines().findFirst().orElse("PyTorch reference"));
    System.out.println(
        "| network | reference train images/s | this / reference | reference eval images/s |");
    System.out.println("| --- | --- | --- | --- |");
    for (Row r : rows) {
      Reference ref = reference.get(r.network());
      if (ref != null && r.task().startsWith("training")) {
        System.out.printf(
            "| %s | %.2f | %.2f | %.2f |%n",
            r.network(),
            ref.trainImagesPerSecond(),
            r.imagesPerSecond() / ref.trainImagesPerSecond(),
            ref.evalImagesPerSecond());
      }
    }
  }

  private static String runReference(String python, Path script, int batch, int threads) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  python,
                  script.toString(),
                  "128:" + batch + ":none",
                  "64:" + batch + ":time",
                  "64:" + batch + ":class")
              .redirectErrorStream(true);
      builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(1, TimeUnit.MINUTES);
      return output;
    } catch (IOException e) {
      return python + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return python + ": interrupted";
    }
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
    int cores = Runtime.getRuntime().availableProcessors();
    List<Row> rows = measure(batch, steps);
    for (Row r : rows) {
      System.out.printf(
          "| %s | %s | %d | %.2f | %.0f |%n",
          r.network(), r.task(), r.batch(), r.imagesPerSecond(), r.msPerStep());
    }
    printReference(rows, batch, Integer.getInteger("ai.djl.pytorch.num_threads", cores));
  }
}
