package dev.diffusionlab.benchmarks;

import dev.diffusionlab.nn.unet.Conditioning;
import dev.diffusionlab.nn.unet.UNetConfig;
import dev.diffusionlab.util.Machine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training and sampling throughput of the three part B UNets at the assignment's widths and batch
 * sizes, and the same recipe in PyTorch side by side. Run with {@code mvn -q compile exec:java
 * -Dexec.mainClass=dev.diffusionlab.benchmarks.PartBBenchmark [-Dexec.args="BATCH STEPS"]} (BATCH
 * 0, the default, trains each network at its course batch size: 256, 128, 128); prints a Markdown
 * table and the machine. Where Python 3 with PyTorch is installed (Debian: {@code apt-get install
 * python3-torch libopenblas0-openmp}), it then runs the same recipe ({@code partb_unet.py}, shipped
 * beside this class) with the same thread count and prints the ratios.
 */
public final class PartBBenchmark {
  private PartBBenchmark() {}

  /** The task name of a training row. */
  public static final String TRAINING = "training (Adam step)";

  /** The task name of a row timing one network evaluation of the batch. */
  public static final String EVALUATION = "network evaluation";

  /**
   * One measured configuration.
   *
   * @param network which UNet and width
   * @param task training, one evaluation, or a sampler
   * @param batch images per step
   * @param imagesPerSecond training images per second, evaluated images per second, or samples per
   *     second for a sampler
   * @param msPerStep milliseconds per training step, or per network evaluation of the batch
   */
  public record Row(
      String network, String task, int batch, double imagesPerSecond, double msPerStep) {}

  /** One of the course's networks with the batch size the assignment trains it at. */
  private record Net(String name, UNetConfig config, String kind, int courseBatch) {}

  private static final List<Net> NETS =
      List.of(
          new Net("unconditional D=128", UNetConfig.mnist(128, Conditioning.NONE), "none", 256),
          new Net("time D=64", UNetConfig.mnist(64, Conditioning.TIME), "time", 128),
          new Net(
              "time+class D=64", UNetConfig.mnist(64, Conditioning.TIME_AND_CLASS), "class", 128));

  /**
   * Training and one evaluation of each of the course's three networks, then the samplers of the
   * two diffusion UNets.
   *
   * @param batch images per step for every network, or 0 for each network's course batch size
   * @param steps timed steps after one warm-up; the fastest counts
   */
  public static List<Row> measure(int batch, int steps) {
    List<Row> rows = new ArrayList<>();
    for (Net net : NETS) {
      int b = batchOf(net, batch);
      UNetThroughput.Result r = UNetThroughput.training(net.config(), b, steps);
      rows.add(new Row(net.name(), TRAINING, b, r.imagesPerSecond(), r.msPerStep()));
      UNetThroughput.Result e = UNetThroughput.evaluation(net.config(), b, steps);
      rows.add(new Row(net.name(), EVALUATION, b, e.imagesPerSecond(), e.msPerStep()));
    }
    int b = batchOf(NETS.get(1), batch);
    UNetThroughput.Result time = UNetThroughput.evaluation(NETS.get(1).config(), b, steps);
    UNetThroughput.Result guided = UNetThroughput.evaluation(NETS.get(2).config(), 2 * b, steps);
    // A sample costs one evaluation per step; with guidance one evaluation of a doubled batch.
    rows.add(sampling("time D=64", "DDPM ancestral, 300 steps", b, time, 300, 1));
    rows.add(sampling("time D=64", "flow Euler, 50 steps", b, time, 50, 1));
    rows.add(sampling("time+class D=64", "DDPM + CFG, 300 steps", b, guided, 300, 2));
    rows.add(sampling("time+class D=64", "flow + CFG, 50 steps", b, guided, 50, 2));
    return rows;
  }

  private static int batchOf(Net net, int batch) {
    return batch > 0 ? batch : net.courseBatch();
  }

  private static Row sampling(
      String network, String task, int batch, UNetThroughput.Result r, int steps, int factor) {
    double perImageEvaluation = 1 / r.imagesPerSecond();
    double samplesPerSecond = 1 / (perImageEvaluation * factor * steps);
    return new Row(network, task, batch, samplesPerSecond, r.msPerStep());
  }

  /** Training and evaluation images per second of one network in the PyTorch reference. */
  public record Reference(double trainImagesPerSecond, double evalImagesPerSecond) {}

  /**
   * A run of the PyTorch reference.
   *
   * @param header what it ran on: torch version, threads, BLAS library
   * @param networks its measurements, keyed like the rows' network names ("time D=64")
   */
  public record ReferenceRun(String header, Map<String, Reference> networks) {}

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

  /**
   * Runs the PyTorch reference with the same networks, batches, steps and thread count.
   *
   * @return the run, or why there is none (no python3 with torch)
   */
  public static ReferenceRun reference(int batch, int steps, int threads) throws IOException {
    Path script = Files.createTempFile("partb_unet", ".py");
    try (InputStream in = PartBBenchmark.class.getResourceAsStream("partb_unet.py")) {
      if (in == null) {
        throw new IOException("partb_unet.py is missing from the classpath");
      }
      Files.write(script, in.readAllBytes());
      String output = "";
      // Debian's python3-torch lives with /usr/bin/python3, which may not be first on the PATH.
      for (String python : List.of("python3", "/usr/bin/python3")) {
        output = runReference(python, script, batch, steps, threads);
        Map<String, Reference> networks = parseReference(output);
        if (!networks.isEmpty()) {
          return new ReferenceRun(output.lines().findFirst().orElse(""), networks);
        }
      }
      throw new IOException("no python3 with torch: " + output.strip());
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** This implementation's speed over the reference's for the training and evaluation rows. */
  public static Optional<Double> ratio(Row row, ReferenceRun reference) {
    Reference ref = reference.networks().get(row.network());
    if (ref == null) {
      return Optional.empty();
    }
    return switch (row.task()) {
      case TRAINING -> Optional.of(row.imagesPerSecond() / ref.trainImagesPerSecond());
      case EVALUATION -> Optional.of(row.imagesPerSecond() / ref.evalImagesPerSecond());
      default -> Optional.empty();
    };
  }

  private static String runReference(
      String python, Path script, int batch, int steps, int threads) {
    List<String> command =
        new ArrayList<>(List.of(python, script.toString(), "--steps", Integer.toString(steps)));
    for (Net net : NETS) {
      command.add(net.config().hidden() + ":" + batchOf(net, batch) + ":" + net.kind());
    }
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.MINUTES);
      return output;
    } catch (IOException e) {
      return python + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return python + ": interrupted";
    }
  }

  /** PyTorch's intra-op threads as this process runs them. */
  public static int threads() {
    return Integer.getInteger(
        "ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
  }

  public static void main(String[] args) throws IOException {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.println("Machine: " + Machine.summary());
    System.out.println("| network | task | batch | images/s | ms/step |");
    System.out.println("| --- | --- | --- | --- | --- |");
    List<Row> rows = measure(batch, steps);
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %.2f | %.0f |%n",
          r.network(),
          r.task(),
          r.batch(),
          r.imagesPerSecond(),
          r.msPerStep());
    }
    ReferenceRun reference;
    try {
      reference = reference(batch, steps, threads());
    } catch (IOException e) {
      System.out.println("PyTorch reference not run: " + e.getMessage());
      return;
    }
    System.out.println();
    System.out.println("Reference: " + reference.header());
    System.out.println("| network | task | batch | reference images/s | this / reference |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (Row r : rows) {
      Optional<Double> ratio = ratio(r, reference);
      if (ratio.isPresent()) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d | %.2f | %.2f |%n",
            r.network(),
            r.task(),
            r.batch(),
            r.imagesPerSecond() / ratio.get(),
            ratio.get());
      }
    }
  }
}
